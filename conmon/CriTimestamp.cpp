#include "conmon/CriTimestamp.h"

#include <cstdint>

namespace crix::conmon {
namespace {

void putDigits(char* out, int64_t value, int width) {
  for (int i = width - 1; i >= 0; --i) {
    out[i] = static_cast<char>('0' + value % 10);
    value /= 10;
  }
}

struct CivilDate {
  int64_t year;
  int month, day;
};

// Proleptic Gregorian date of a day count since 1970-01-01 (H. Hinnant's
// civil_from_days).
CivilDate civilFromDays(int64_t days) {
  days += 719468;
  const int64_t era = (days >= 0 ? days : days - 146096) / 146097;
  const int64_t dayOfEra = days - era * 146097;
  const int64_t yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146096) / 365;
  const int64_t dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100);
  const int64_t monthIndex = (5 * dayOfYear + 2) / 153;  // March-based
  const int day = static_cast<int>(dayOfYear - (153 * monthIndex + 2) / 5 + 1);
  const int month = static_cast<int>(monthIndex < 10 ? monthIndex + 3 : monthIndex - 9);
  return {yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day};
}

}  // namespace

void formatCriTimestamp(const timespec& ts, char* out) {
  int64_t days = ts.tv_sec / 86400;
  int64_t secondOfDay = ts.tv_sec % 86400;
  if (secondOfDay < 0) {
    secondOfDay += 86400;
    --days;
  }
  const CivilDate date = civilFromDays(days);
  putDigits(out, date.year, 4);
  out[4] = '-';
  putDigits(out + 5, date.month, 2);
  out[7] = '-';
  putDigits(out + 8, date.day, 2);
  out[10] = 'T';
  putDigits(out + 11, secondOfDay / 3600, 2);
  out[13] = ':';
  putDigits(out + 14, secondOfDay / 60 % 60, 2);
  out[16] = ':';
  putDigits(out + 17, secondOfDay % 60, 2);
  out[19] = '.';
  putDigits(out + 20, ts.tv_nsec, 9);
  out[29] = 'Z';
}

}  // namespace crix::conmon
