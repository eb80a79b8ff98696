// Human output of the register of processing activities: tables and the
// "key: value" detail of one activity. Pure; thread-safe.
#ifndef CATALOG_CLIENT_LIB_PROCESSING_OUTPUT_H_
#define CATALOG_CLIENT_LIB_PROCESSING_OUTPUT_H_

#include <string>

#include "catalog/v1/processing_service.pb.h"

namespace catalog::client {

// `processing activity list`: ACTIVITY (its name), TITLE, LEGAL BASIS,
// STATUS, VERSION, DATASETS (count).
std::string FormatActivityTable(
    const google::protobuf::RepeatedPtrField<catalog::v1::ProcessingActivity>& activities);

// `processing activity get|add|update`: every field, grouped as the AVG
// art. 30 register reads (purpose and basis, who, what data, recipients and
// transfers, retention and security), then the version and bookkeeping.
std::string FormatActivityDetail(const catalog::v1::ProcessingActivity& activity);

// `processing activity history`: VERSION, VALID FROM, VALID UNTIL (empty:
// current), LEGAL BASIS, PURPOSE.
std::string FormatActivityVersionTable(
    const google::protobuf::RepeatedPtrField<catalog::v1::ProcessingActivity>& versions);

}  // namespace catalog::client

#endif  // CATALOG_CLIENT_LIB_PROCESSING_OUTPUT_H_
