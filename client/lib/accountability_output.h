// Human output of the processing log (AccountabilityService): the inzage of
// one data subject, the operations of an activity or a trace, the
// deliveries report and a retention purge; and the two helpers the inzage
// needs on the client side (merging its pages, masking the subject's id).
// Pure; thread-safe.
#ifndef CATALOG_CLIENT_LIB_ACCOUNTABILITY_OUTPUT_H_
#define CATALOG_CLIENT_LIB_ACCOUNTABILITY_OUTPUT_H_

#include <google/protobuf/repeated_ptr_field.h>

#include <string>

#include "absl/strings/string_view.h"
#include "catalog/v1/accountability_service.pb.h"

namespace catalog::client {

// Adds the next page of an inzage to `account`: the operations of an
// activity already in it are appended to its group (the register entry,
// datasets and recipients of its first page kept, and other_versions
// naming every other version its operations were logged under), a new
// activity is appended; operation and hidden counts are summed; the next
// page token is the page's.
void MergeAccountPage(catalog::v1::SubjectAccount page, catalog::v1::SubjectAccount* account);

// A data subject's id as it may be shown: the last three characters after
// one '*' per other character ("******653" for a BSN), or only '*' for an
// id shorter than seven characters (three of them would say too much).
// The plain id is shown nowhere else.
std::string MaskSubjectId(absl::string_view id);

// `processing subject`: a line naming the subject (as given, masked) and
// the period with the counts, then per activity its register entry (title,
// purpose, legal basis, controller, retention, datasets, other versions),
// its recipients (RECIPIENT, PARTY, FROM register|delivery, DATASET,
// PURPOSE, LEGAL BASIS) and its operations (TIME, APPLICATION, NAME,
// STATUS, TRACE).
std::string FormatSubjectAccount(const catalog::v1::SubjectAccount& account,
                                 absl::string_view subject, absl::string_view period);

// `processing operations`: TIME, VERSION (the register version it was
// logged under), APPLICATION, NAME, STATUS, ID TYPE, TRACE.
std::string FormatActivityOperationTable(
    const google::protobuf::RepeatedPtrField<catalog::v1::ProcessingOperation>& operations);

// `processing trace`: a line with the trace id and the counts, the
// operations (TIME, SPAN, PARENT, VERSION, APPLICATION, NAME, STATUS), then
// the foreign operations (PROCESSOR, TRACE, SPAN) when there are any.
std::string FormatTrace(const catalog::v1::Trace& trace);

// `deliveries`: DATASET, PARTY, PURPOSE, LEGAL BASIS, PERSONAL (ja/nee),
// COVERED BY (the covering activities, or "none").
std::string FormatDeliveryTable(
    const google::protobuf::RepeatedPtrField<catalog::v1::Delivery>& deliveries);

// `processing purge`: "removed N operations" (or, for a dry run, "would
// remove N operations"), then ACTIVITY (version), RETENTION, OPERATIONS.
std::string FormatPurgeResult(const catalog::v1::PurgeExpiredOperationsResponse& result,
                              bool dry_run);

}  // namespace catalog::client

#endif  // CATALOG_CLIENT_LIB_ACCOUNTABILITY_OUTPUT_H_
