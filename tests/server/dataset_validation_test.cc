#include "server/core/dataset_validation.h"

#include <functional>

#include <gtest/gtest.h>

#include "tests/support/test_support.h"

namespace catalog::server {
namespace {

using catalog::testing::ValidDataset;
using catalog::v1::Dataset;

struct Case {
  const char* name;
  std::function<void(Dataset*)> mutate;
  const char* field;  // Expected start of the error message; nullptr: valid.
};

Dataset PersonalDataset() {
  Dataset d = ValidDataset("wmo-cliënten-x");
  d.set_id("wmo-clienten");
  d.mutable_personal_data()->set_contains_personal_data(true);
  d.mutable_personal_data()->set_legal_basis(catalog::v1::LEGAL_BASIS_WETTELIJKE_VERPLICHTING);
  return d;
}

class DatasetValidationTest : public ::testing::TestWithParam<Case> {};

TEST_P(DatasetValidationTest, NamesTheFieldAtFault) {
  Dataset d = PersonalDataset();
  GetParam().mutate(&d);
  NormalizeDataset(&d);
  absl::Status status = ValidateDataset(d);
  if (GetParam().field == nullptr) {
    EXPECT_TRUE(status.ok()) << status;
    return;
  }
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(status.message().substr(0, strlen(GetParam().field)), GetParam().field)
      << status.message();
}

INSTANTIATE_TEST_SUITE_P(
    Rules, DatasetValidationTest,
    ::testing::Values(
        Case{"Valid", [](Dataset*) {}, nullptr},
        Case{"IdMissing", [](Dataset* d) { d->clear_id(); }, "id is required"},
        Case{"IdUpperCase", [](Dataset* d) { d->set_id("BRP"); }, "id \"BRP\""},
        Case{"IdTooShort", [](Dataset* d) { d->set_id("ab"); }, "id \"ab\""},
        Case{"IdTrailingDash", [](Dataset* d) { d->set_id("brp-"); }, "id \"brp-\""},
        Case{"IdStartsWithDigit", [](Dataset* d) { d->set_id("1brp"); }, "id \"1brp\""},
        Case{"TitleMissing", [](Dataset* d) { d->clear_title(); }, "title: required"},
        Case{"TitleTooLong", [](Dataset* d) { d->set_title(std::string(201, 'x')); }, "title:"},
        Case{"RegistrationTypeMissing", [](Dataset* d) { d->clear_registration_type(); },
             "registration_type: required"},
        Case{"DomainMissing", [](Dataset* d) { d->clear_domain(); }, "domain: required"},
        Case{"OwnerMissing", [](Dataset* d) { d->mutable_roles()->clear_owner(); },
             "roles.owner: required"},
        Case{"HostingKindMissing", [](Dataset* d) { d->mutable_hosting()->clear_kind(); },
             "hosting.kind: required"},
        Case{"ConfidentialityMissing",
             [](Dataset* d) { d->mutable_classification()->clear_confidentiality(); },
             "classification.confidentiality: required"},
        Case{"UnknownEnumValue",
             [](Dataset* d) {
               d->mutable_classification()->set_availability(
                   static_cast<catalog::v1::BivLevel>(42));
             },
             "classification.availability: unknown value 42"},
        Case{"UnspecifiedInRepeatedEnum",
             [](Dataset* d) { d->add_themes(catalog::v1::THEME_UNSPECIFIED); }, "themes[0]"},
        Case{"BasisregistratieOnSectorregistratie",
             [](Dataset* d) { d->set_basisregistratie(catalog::v1::BASISREGISTRATIE_BRP); },
             "basisregistratie: only allowed"},
        Case{"MunicipalRoleOnSectorregistratie",
             [](Dataset* d) { d->set_municipal_role(catalog::v1::MUNICIPAL_ROLE_AFNEMER); },
             "municipal_role: only allowed"},
        Case{"BasisregistratieMissing",
             [](Dataset* d) {
               d->set_registration_type(catalog::v1::REGISTRATION_TYPE_BASISREGISTRATIE);
               d->set_municipal_role(catalog::v1::MUNICIPAL_ROLE_BRONHOUDER);
             },
             "basisregistratie: required"},
        Case{"MunicipalRoleMissing",
             [](Dataset* d) {
               d->set_registration_type(catalog::v1::REGISTRATION_TYPE_BASISREGISTRATIE);
               d->set_basisregistratie(catalog::v1::BASISREGISTRATIE_BAG);
             },
             "municipal_role: required"},
        Case{"ExternalWithoutProvider",
             [](Dataset* d) { d->set_origin(catalog::v1::ORIGIN_EXTERNAL); },
             "providing_organisation.name: required"},
        Case{"BadOin", [](Dataset* d) { d->mutable_publisher()->set_oin("12345"); },
             "publisher.oin"},
        Case{"BadCountry", [](Dataset* d) { d->mutable_hosting()->set_country("nl"); },
             "hosting.country"},
        Case{"PersonalDataWithoutLegalBasis",
             [](Dataset* d) { d->mutable_personal_data()->clear_legal_basis(); },
             "personal_data.legal_basis: required"},
        Case{"SpecialCategoriesWithoutPersonalData",
             [](Dataset* d) {
               d->mutable_personal_data()->Clear();
               d->mutable_personal_data()->add_special_categories(
                   catalog::v1::SPECIAL_CATEGORY_GEZONDHEID);
             },
             "personal_data.special_categories: set, but"},
        Case{"CriminalDataWithoutPersonalData",
             [](Dataset* d) {
               d->mutable_personal_data()->Clear();
               d->mutable_personal_data()->set_criminal_data(true);
             },
             "personal_data.criminal_data"},
        Case{"PersonalSchemaFieldWithoutPersonalData",
             [](Dataset* d) {
               d->mutable_personal_data()->Clear();
               auto* f = d->add_schema_fields();
               f->set_name("bsn");
               f->set_personal_data(true);
             },
             "schema_fields[0].personal_data"},
        Case{"DuplicateSchemaField",
             [](Dataset* d) {
               d->add_schema_fields()->set_name("bsn");
               d->add_schema_fields()->set_name("bsn");
             },
             "schema_fields[1].name: duplicate"},
        Case{"SchemaFieldWithoutName", [](Dataset* d) { d->add_schema_fields(); },
             "schema_fields[0].name: required"},
        Case{"NormOutOfRange",
             [](Dataset* d) {
               auto* n = d->add_quality_norms();
               n->set_dimension(catalog::v1::QUALITY_DIMENSION_JUISTHEID);
               n->set_target(101);
             },
             "quality_norms[0].target"},
        Case{"DuplicateNormDimension",
             [](Dataset* d) {
               for (int i = 0; i < 2; ++i) {
                 auto* n = d->add_quality_norms();
                 n->set_dimension(catalog::v1::QUALITY_DIMENSION_ACTUALITEIT);
                 n->set_target(90);
               }
             },
             "quality_norms[1].dimension: duplicate"},
        Case{"DuplicateTagAfterNormalization",
             [](Dataset* d) {
               d->add_tags("GIS");
               d->add_tags(" gis ");
             },
             "tags[1]: duplicate"},
        Case{"BadRetentionPeriod",
             [](Dataset* d) { d->mutable_retention()->set_retention_period("20 jaar"); },
             "retention.retention_period"},
        Case{"GoodRetentionPeriod",
             [](Dataset* d) { d->mutable_retention()->set_retention_period("P10Y6M"); }, nullptr},
        Case{"PublicCloudOutsideEeaWithoutAgreementIsAllowed",
             [](Dataset* d) {
               d->mutable_hosting()->set_kind(catalog::v1::HOSTING_KIND_PUBLIC_CLOUD);
               d->mutable_hosting()->set_country("US");
               d->mutable_hosting()->set_inside_eea(false);
             },
             nullptr},
        Case{"DescriptionTooLong",
             [](Dataset* d) { d->set_description(std::string(20001, 'x')); }, "description:"}),
    [](const ::testing::TestParamInfo<Case>& info) { return info.param.name; });

TEST(NormalizeDataset, ClearsOutputOnlyFieldsAndSetsDefaults) {
  Dataset d = ValidDataset("abc");
  d.set_revision(99);
  d.set_etag("99");
  d.mutable_create_time()->set_seconds(5);
  d.add_schema_fields()->set_redacted(true);
  d.add_tags("  Open-Data ");
  NormalizeDataset(&d);
  EXPECT_EQ(d.revision(), 0);
  EXPECT_TRUE(d.etag().empty());
  EXPECT_FALSE(d.has_create_time());
  EXPECT_FALSE(d.schema_fields(0).redacted());
  EXPECT_EQ(d.tags(0), "open-data");
  EXPECT_EQ(d.status(), catalog::v1::DATASET_STATUS_COMPLETED);
  EXPECT_EQ(d.origin(), catalog::v1::ORIGIN_INTERNAL);
}

}  // namespace
}  // namespace catalog::server
