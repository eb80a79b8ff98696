#include "client/demo/landscape_generator.h"

#include <chrono>
#include <set>

#include <gtest/gtest.h>

#include "api/resource_names.h"
#include "server/core/dataset_validation.h"

namespace catalog::demo {
namespace {

using catalog::v1::Dataset;

TEST(LandscapeGenerator, SameSeedSameDataset) {
  LandscapeGenerator a({1000, 42});
  LandscapeGenerator b({1000, 42});
  for (int64_t i : {0, 5, 10, 11, 500, 999}) {
    EXPECT_EQ(a.Dataset(i).SerializeAsString(), b.Dataset(i).SerializeAsString()) << i;
  }
}

TEST(LandscapeGenerator, DifferentSeedsDiffer) {
  LandscapeGenerator a({1000, 1});
  LandscapeGenerator b({1000, 2});
  int differing = 0;
  for (int64_t i = 0; i < 100; ++i) {
    differing += a.Dataset(i).SerializeAsString() != b.Dataset(i).SerializeAsString();
  }
  EXPECT_GT(differing, 90);
}

TEST(LandscapeGenerator, StartsWithTheBasisregistraties) {
  LandscapeGenerator g({100, 1});
  EXPECT_EQ(g.Dataset(0).id(), "brp-ingezetenen");
  EXPECT_EQ(g.Dataset(0).basisregistratie(), catalog::v1::BASISREGISTRATIE_BRP);
  EXPECT_EQ(g.Dataset(0).municipal_role(), catalog::v1::MUNICIPAL_ROLE_BRONHOUDER);
  EXPECT_EQ(g.Dataset(1).id(), "bag-adressen-gebouwen");
  EXPECT_EQ(g.Dataset(4).origin(), catalog::v1::ORIGIN_EXTERNAL);
  for (int64_t i = 0; i < 10; ++i) {
    EXPECT_EQ(g.Dataset(i).registration_type(), catalog::v1::REGISTRATION_TYPE_BASISREGISTRATIE);
  }
  EXPECT_NE(g.Dataset(10).registration_type(), catalog::v1::REGISTRATION_TYPE_BASISREGISTRATIE);
}

TEST(LandscapeGenerator, IdsAreUniqueValidSlugs) {
  LandscapeGenerator g({20000, 3});
  std::set<std::string> ids;
  for (int64_t i = 0; i < g.size(); ++i) {
    const std::string id = g.Dataset(i).id();
    ASSERT_TRUE(api::ValidateDatasetId(id, "id").ok()) << id;
    ASSERT_TRUE(ids.insert(id).second) << "duplicate " << id;
  }
}

TEST(LandscapeGenerator, EveryDatasetPassesServerValidation) {
  LandscapeGenerator g({5000, 4});
  for (int64_t i = 0; i < g.size(); ++i) {
    Dataset d = g.Dataset(i);
    server::NormalizeDataset(&d);
    absl::Status status = server::ValidateDataset(d);
    ASSERT_TRUE(status.ok()) << d.id() << ": " << status;
  }
}

TEST(LandscapeGenerator, MixIsRealistic) {
  LandscapeGenerator g({10000, 5});
  int personal = 0, on_premises = 0, public_cloud = 0, saas = 0, outside_eea = 0,
      without_agreement = 0, special = 0;
  for (int64_t i = 0; i < g.size(); ++i) {
    const Dataset d = g.Dataset(i);
    personal += d.personal_data().contains_personal_data();
    special += d.personal_data().special_categories_size() > 0;
    const auto kind = d.hosting().kind();
    on_premises += kind == catalog::v1::HOSTING_KIND_ON_PREMISES;
    public_cloud += kind == catalog::v1::HOSTING_KIND_PUBLIC_CLOUD;
    saas += kind == catalog::v1::HOSTING_KIND_SAAS;
    outside_eea += !d.hosting().inside_eea();
    without_agreement += (kind == catalog::v1::HOSTING_KIND_PUBLIC_CLOUD ||
                          kind == catalog::v1::HOSTING_KIND_SAAS) &&
                         d.hosting().processor_agreement_ref().empty();
    if (!d.personal_data().contains_personal_data()) {
      for (const auto& f : d.schema_fields()) ASSERT_FALSE(f.personal_data()) << d.id();
    }
  }
  EXPECT_GT(personal, 3000);
  EXPECT_LT(personal, 8000);
  EXPECT_NEAR(on_premises, 4500, 600);
  EXPECT_NEAR(public_cloud, 2000, 500);
  EXPECT_NEAR(saas, 2000, 500);
  EXPECT_GT(outside_eea, 100);
  EXPECT_GT(without_agreement, 100);
  EXPECT_GT(special, 50);
}

TEST(LandscapeGenerator, IsFastEnoughForMillionDatasetBenchmarks) {
  LandscapeGenerator g({100000, 6});
  const auto start = std::chrono::steady_clock::now();
  size_t bytes = 0;
  for (int64_t i = 0; i < 20000; ++i) bytes += g.Dataset(i).ByteSizeLong();
  const double micros =
      std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - start).count() /
      20000;
  std::printf("generator: %.2f us per dataset, %.0f bytes average\n", micros,
              static_cast<double>(bytes) / 20000);
  EXPECT_GT(bytes, 0u);
}

}  // namespace
}  // namespace catalog::demo
