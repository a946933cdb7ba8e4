#!/usr/bin/python3
"""Builds OCI image layouts for crix's tests and demos, with no network.

A recipe (JSON) names the layers and their entries; the files come from this
host (Debian's busybox-static, say) or are given inline. The result is an OCI
image layout directory that `skopeo copy oci:DIR:TAG docker://...` pushes and
`crixctl load` imports.

Recipe:
{
  "tag": "1.0",
  "config": {"Cmd": ["/bin/sh"], "User": "1000", "Env": [...], ...},
  "layers": [
    {"compression": "gzip" | "zstd" | "none",
     "entries": [
       {"path": "bin/busybox", "from": "/bin/busybox", "mode": 493},
       {"path": "bin/sh", "symlink": "busybox"},
       {"path": "bin/ls", "hardlink": "bin/busybox"},
       {"path": "etc/passwd", "content": "root:x:0:0::/root:/bin/sh\\n", "uid": 0, "gid": 0},
       {"path": "var/empty", "dir": true},
       {"whiteout": "etc/old"},
       {"opaque": "var/cache"},
       {"raw": {"name": "../escape", "type": "file", "content": "x"}}
     ]}
  ],
  "platforms": [{"os": "linux", "architecture": "amd64"}, ...]   (optional:
      builds one image per platform under an image index)
}
"raw" entries are written with exactly the given tar header (name, type
file|dir|symlink|hardlink, linkname, content, mode) and no clean-up: they are
how tests make hostile layers.
"""

import argparse
import gzip
import hashlib
import io
import json
import os
import subprocess
import sys
import tarfile
import time

OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json"
OCI_INDEX = "application/vnd.oci.image.index.v1+json"
OCI_CONFIG = "application/vnd.oci.image.config.v1+json"
LAYER_TYPES = {
    "gzip": "application/vnd.oci.image.layer.v1.tar+gzip",
    "zstd": "application/vnd.oci.image.layer.v1.tar+zstd",
    "none": "application/vnd.oci.image.layer.v1.tar",
}
# Fixed times keep builds reproducible: the same recipe gives the same digests.
EPOCH = 1700000000


def write_blob(layout, data):
    digest = hashlib.sha256(data).hexdigest()
    path = os.path.join(layout, "blobs", "sha256", digest)
    with open(path, "wb") as f:
        f.write(data)
    return "sha256:" + digest


def tar_entry(tar, name, kind, data=b"", mode=0o644, uid=0, gid=0, linkname=""):
    info = tarfile.TarInfo(name)
    info.mtime = EPOCH
    info.uid, info.gid, info.mode = uid, gid, mode
    info.type = {"file": tarfile.REGTYPE, "dir": tarfile.DIRTYPE, "symlink": tarfile.SYMTYPE,
                 "hardlink": tarfile.LNKTYPE, "fifo": tarfile.FIFOTYPE}[kind]
    info.linkname = linkname
    if kind == "file":
        info.size = len(data)
        tar.addfile(info, io.BytesIO(data))
    else:
        tar.addfile(info)


def build_tar(entries):
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT) as tar:
        made_dirs = set()

        def parents(path):
            parts = path.split("/")[:-1]
            for i in range(1, len(parts) + 1):
                d = "/".join(parts[:i])
                if d not in made_dirs:
                    made_dirs.add(d)
                    tar_entry(tar, d, "dir", mode=0o755)

        for e in entries:
            owner = {"uid": e.get("uid", 0), "gid": e.get("gid", 0)}
            if "raw" in e:
                r = e["raw"]
                tar_entry(tar, r["name"], r.get("type", "file"), r.get("content", "").encode(),
                          r.get("mode", 0o644), linkname=r.get("linkname", ""))
                continue
            if "whiteout" in e:
                head, _, base = e["whiteout"].rpartition("/")
                name = (head + "/" if head else "") + ".wh." + base
                parents(name)
                tar_entry(tar, name, "file", mode=0o600)
                continue
            if "opaque" in e:
                d = e["opaque"].rstrip("/")
                parents(d + "/x")
                tar_entry(tar, d + "/.wh..wh..opq", "file", mode=0o600)
                continue
            path = e["path"].strip("/")
            parents(path)
            if e.get("dir"):
                made_dirs.add(path)
                tar_entry(tar, path, "dir", mode=e.get("mode", 0o755), **owner)
            elif "symlink" in e:
                tar_entry(tar, path, "symlink", mode=0o777, linkname=e["symlink"], **owner)
            elif "hardlink" in e:
                tar_entry(tar, path, "hardlink", linkname=e["hardlink"], **owner)
            elif "from" in e:
                with open(e["from"], "rb") as f:
                    data = f.read()
                mode = e.get("mode", os.stat(e["from"]).st_mode & 0o7777)
                tar_entry(tar, path, "file", data, mode, **owner)
            else:
                tar_entry(tar, path, "file", e.get("content", "").encode(), e.get("mode", 0o644), **owner)
    return buf.getvalue()


def compress(data, how):
    if how == "gzip":
        return gzip.compress(data, compresslevel=6, mtime=0)
    if how == "zstd":
        return subprocess.run(["zstd", "-q", "-c", "-3"], input=data, check=True,
                              stdout=subprocess.PIPE).stdout
    return data


def build_image(layout, recipe, platform):
    layers, diff_ids = [], []
    for layer in recipe.get("layers", []):
        tar = build_tar(layer.get("entries", []))
        how = layer.get("compression", "gzip")
        blob = compress(tar, how)
        layers.append({"mediaType": LAYER_TYPES[how], "digest": write_blob(layout, blob), "size": len(blob)})
        diff_ids.append("sha256:" + hashlib.sha256(tar).hexdigest())
    config = {
        "created": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(EPOCH)),
        "architecture": platform["architecture"],
        "os": platform["os"],
        "config": recipe.get("config", {}),
        "rootfs": {"type": "layers", "diff_ids": diff_ids},
        "history": [{"created_by": "crix build-image.py"} for _ in diff_ids],
    }
    if "variant" in platform:
        config["variant"] = platform["variant"]
    config_bytes = json.dumps(config, sort_keys=True).encode()
    manifest = {
        "schemaVersion": 2,
        "mediaType": OCI_MANIFEST,
        "config": {"mediaType": OCI_CONFIG, "digest": write_blob(layout, config_bytes), "size": len(config_bytes)},
        "layers": layers,
    }
    data = json.dumps(manifest, sort_keys=True).encode()
    return {"mediaType": OCI_MANIFEST, "digest": write_blob(layout, data), "size": len(data)}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("recipe", help="recipe JSON file, or - for stdin")
    parser.add_argument("--out", required=True, help="OCI layout directory to create or add to")
    args = parser.parse_args()
    recipe = json.load(sys.stdin if args.recipe == "-" else open(args.recipe))

    layout = args.out
    os.makedirs(os.path.join(layout, "blobs", "sha256"), exist_ok=True)
    with open(os.path.join(layout, "oci-layout"), "w") as f:
        json.dump({"imageLayoutVersion": "1.0.0"}, f)

    platforms = recipe.get("platforms")
    if platforms:
        manifests = []
        for p in platforms:
            desc = build_image(layout, dict(recipe, config=dict(recipe.get("config", {}),
                               Labels={"platform": p["architecture"] + p.get("variant", "")})), p)
            desc["platform"] = p
            manifests.append(desc)
        index = json.dumps({"schemaVersion": 2, "mediaType": OCI_INDEX, "manifests": manifests},
                           sort_keys=True).encode()
        top = {"mediaType": OCI_INDEX, "digest": write_blob(layout, index), "size": len(index)}
    else:
        top = build_image(layout, recipe, {"os": "linux", "architecture": "amd64"})

    top["annotations"] = {"org.opencontainers.image.ref.name": recipe.get("tag", "latest")}
    index_path = os.path.join(layout, "index.json")
    existing = {"schemaVersion": 2, "manifests": []}
    if os.path.exists(index_path):
        with open(index_path) as f:
            existing = json.load(f)
    existing["manifests"] = [m for m in existing["manifests"]
                             if m.get("annotations", {}).get("org.opencontainers.image.ref.name") != recipe.get("tag", "latest")]
    existing["manifests"].append(top)
    with open(index_path, "w") as f:
        json.dump(existing, f, sort_keys=True)
    print(top["digest"])


if __name__ == "__main__":
    main()
