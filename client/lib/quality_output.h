// Human output of quality (QualityService) and terugmeldingen
// (TerugmeldingService): measurements and reports as tables, the quality
// report of a dataset with norms, ages, staleness and 12-month trends, a
// terugmelding with its status history. Same conventions as output.h: short
// enum names, "-" for empty cells.
//
// All functions are pure and thread-safe.
#ifndef CATALOG_CLIENT_LIB_QUALITY_OUTPUT_H_
#define CATALOG_CLIENT_LIB_QUALITY_OUTPUT_H_

#include <google/protobuf/repeated_ptr_field.h>

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

#include "absl/status/statusor.h"
#include "catalog/v1/quality.pb.h"
#include "catalog/v1/quality_service.pb.h"
#include "client/lib/bulk_loader.h"

namespace catalog::client {

// Display width of the EXPLANATION column of FormatTerugmeldingTable.
inline constexpr size_t kExplanationWidth = 40;

// A score ("92.0") or a norm ("95", "97.5": no ".0" for whole numbers).
std::string FormatScore(double score);
std::string FormatNorm(double norm);

// An age in seconds, coarsely: "12 min", "5 h", "3 d" (from two days on).
// "-" for a negative age.
std::string FormatAge(int64_t seconds);

// The monthly means as a sparkline, one character per month from "▁" (the
// lowest mean of the series) to "█" (the highest), followed by the first
// and last mean: "▁▃▅▇ 88.0→94.5". A series whose means differ by less
// than one point is drawn flat at "▄". Empty for an empty trend.
std::string FormatTrend(
    const google::protobuf::RepeatedPtrField<catalog::v1::MonthlyScore>&
        trend);

// The latest score of a dimension against its norm: "92.0 / 95 ✗ below
// norm", "97.5 / 95 ✓", "88.0 (no norm)", "- / 95 not measured".
std::string FormatScoreAgainstNorm(const catalog::v1::DimensionQuality& q);

// `quality report`: a table with a row per dimension (DIMENSION, SCORE /
// NORM, AGE, STALE, TREND (12 MONTHS), OPEN REPORTS and, when any row has
// one, WEAKEST UPSTREAM), then the overall score, the dimensions below
// norm, the stale ones (with the staleness period) and the open and
// overdue terugmeldingen.
std::string FormatQualityReport(const catalog::v1::QualityReport& report);

// `quality list`: DIMENSION, SCORE, MEASURED AT, METHOD, SAMPLE, BY,
// REVISION.
std::string FormatMeasurementTable(
    const google::protobuf::RepeatedPtrField<catalog::v1::Measurement>&
        measurements);

// `quality record`: "key: value" lines of the measurement.
std::string FormatMeasurementDetail(const catalog::v1::Measurement& m);

// "recorded N, failed N" and up to `max_failures` failures (item number,
// code and message), one per line.
std::string FormatMeasurementLoadResult(const MeasurementLoadResult& result,
                                        int max_failures = 20);

// {"recorded":N,"failed":N,"failures":[{"index":N,"code":N,"message":S}]}.
nlohmann::ordered_json MeasurementLoadResultToJson(
    const MeasurementLoadResult& result);

// "OVERDUE" when the report is open past its deadline, else empty.
std::string OverdueFlag(const catalog::v1::Terugmelding& t);

// `report list|mine`: ID, DATASET, STATUS, DIMENSION, REFERENCE, FILED,
// DEADLINE, OVERDUE, EXPLANATION.
std::string FormatTerugmeldingTable(
    const google::protobuf::RepeatedPtrField<catalog::v1::Terugmelding>&
        reports);

// `report show|file|transition`: "key: value" lines (name, status, deadline
// with OVERDUE, reporter, explanation, ...), then the doubted attributes
// (NAME, DOUBTED, PROPOSED), the contacts (ROLE, NAME, EMAIL, PHONE) and
// the status history (TIME, FROM, TO, BY, NOTE) as tables.
std::string FormatTerugmeldingDetail(const catalog::v1::Terugmelding& t);

}  // namespace catalog::client

#endif  // CATALOG_CLIENT_LIB_QUALITY_OUTPUT_H_
