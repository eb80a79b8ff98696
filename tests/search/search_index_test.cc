// SearchIndex over a real Xapian glass database in a temporary directory.
#include "server/search/search_index.h"

#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "absl/strings/str_cat.h"

namespace catalog::search {
namespace {

namespace v1 = catalog::v1;

const std::vector<v1::Confidentiality> kAll = {
    v1::CONFIDENTIALITY_OPENBAAR, v1::CONFIDENTIALITY_BEPERKT_OPENBAAR,
    v1::CONFIDENTIALITY_INTERN, v1::CONFIDENTIALITY_ZAAKVERTROUWELIJK,
    v1::CONFIDENTIALITY_VERTROUWELIJK, v1::CONFIDENTIALITY_CONFIDENTIEEL,
    v1::CONFIDENTIALITY_GEHEIM, v1::CONFIDENTIALITY_ZEER_GEHEIM};
const std::vector<v1::Confidentiality> kPublicAndInternal = {
    v1::CONFIDENTIALITY_OPENBAAR, v1::CONFIDENTIALITY_BEPERKT_OPENBAAR,
    v1::CONFIDENTIALITY_INTERN};

v1::Dataset Make(const std::string& id, const std::string& title, const std::string& description,
                 v1::Confidentiality confidentiality = v1::CONFIDENTIALITY_OPENBAAR,
                 const std::string& domain = "Belastingen") {
  v1::Dataset d;
  d.set_id(id);
  d.set_title(title);
  d.set_description(description);
  d.set_domain(domain);
  d.set_registration_type(v1::REGISTRATION_TYPE_OVERIG);
  d.mutable_roles()->set_owner("Afdeling Financien");
  d.mutable_hosting()->set_kind(v1::HOSTING_KIND_ON_PREMISES);
  d.mutable_hosting()->set_provider("eigen datacenter");
  d.mutable_classification()->set_confidentiality(confidentiality);
  d.set_status(v1::DATASET_STATUS_COMPLETED);
  return d;
}

class SearchIndexTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           absl::StrCat("search_index_test_", ::testing::UnitTest::GetInstance()->random_seed(), "_",
                        ::testing::UnitTest::GetInstance()->current_test_info()->name(), "_",
                        getpid());
    std::filesystem::remove_all(dir_);
    index_ = Open();
  }
  void TearDown() override {
    index_.reset();
    std::filesystem::remove_all(dir_);
  }
  std::unique_ptr<SearchIndex> Open() {
    auto index = SearchIndex::Open(dir_.string());
    EXPECT_TRUE(index.ok()) << index.status();
    return index.ok() ? std::move(*index) : nullptr;
  }
  void PutAll(const std::vector<v1::Dataset>& datasets, uint64_t revision = 1) {
    for (const auto& d : datasets) ASSERT_TRUE(index_->Put(d).ok());
    ASSERT_TRUE(index_->Commit(revision).ok());
  }
  // A query for `text` at `levels` that counts facets.
  static SearchQuery FacetQuery(const std::string& text,
                                const std::vector<v1::Confidentiality>& levels) {
    SearchQuery query;
    query.text = text;
    query.visible_levels = levels;
    query.count_facets = true;
    return query;
  }
  SearchResult Find(const std::string& text,
                    const std::vector<v1::Confidentiality>& levels = kAll) {
    SearchQuery query;
    query.text = text;
    query.visible_levels = levels;
    query.page_size = 50;
    auto result = index_->Search(query);
    EXPECT_TRUE(result.ok()) << text << ": " << result.status();
    return result.ok() ? *result : SearchResult{};
  }
  std::vector<std::string> Ids(const std::string& text,
                               const std::vector<v1::Confidentiality>& levels = kAll) {
    std::vector<std::string> ids;
    for (const SearchHit& hit : Find(text, levels).hits) ids.push_back(hit.dataset_id);
    return ids;
  }
  bool Finds(const std::string& text, const std::string& id) {
    auto ids = Ids(text);
    return std::find(ids.begin(), ids.end(), id) != ids.end();
  }

  std::filesystem::path dir_;
  std::unique_ptr<SearchIndex> index_;
};

TEST_F(SearchIndexTest, DutchStemming) {
  PutAll({Make("belasting", "Belasting", "Aanslagen"),
          Make("woz", "Beschikkingen", "woz beschikkingen van het jaar"),
          Make("brand", "Brandkranen", "Locaties in de gemeente"),
          Make("other", "Parkeren", "Vergunningen")});
  EXPECT_EQ(Ids("belastingen"), std::vector<std::string>{"belasting"});
  EXPECT_EQ(Ids("WOZ-beschikking"), std::vector<std::string>{"woz"});
  EXPECT_EQ(Ids("brandkraan"), std::vector<std::string>{"brand"});
}

TEST_F(SearchIndexTest, EnglishStemming) {
  PutAll({Make("roads", "Road maintenance", "Planned works"), Make("other", "Parkeren", "")});
  EXPECT_EQ(Ids("maintaining roads"), std::vector<std::string>{});  // AND: needs both.
  EXPECT_EQ(Ids("work"), std::vector<std::string>{"roads"});        // works -> work (English).
}

TEST_F(SearchIndexTest, DiacriticsBothWays) {
  PutAll({Make("fin", "Financiële administratie", ""), Make("cafe", "Cafe vergunningen", "")});
  EXPECT_EQ(Ids("financiele"), std::vector<std::string>{"fin"});
  EXPECT_EQ(Ids("FINANCIËLE"), std::vector<std::string>{"fin"});
  EXPECT_EQ(Ids("café"), std::vector<std::string>{"cafe"});
}

TEST_F(SearchIndexTest, PrefixPhraseAndBoolean) {
  PutAll({Make("a", "Belastingaanslagen", "woz waarde"),
          Make("b", "Parkeren", "belastbare feiten en woz"),
          Make("c", "Waarde woz", "van de panden")});
  auto sorted = [](std::vector<std::string> v) { std::sort(v.begin(), v.end()); return v; };
  EXPECT_EQ(sorted(Ids("belast*")), (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(Ids("\"woz waarde\""), std::vector<std::string>{"a"});
  EXPECT_EQ(sorted(Ids("woz AND waarde")), (std::vector<std::string>{"a", "c"}));
  EXPECT_EQ(sorted(Ids("parkeren OR panden")), (std::vector<std::string>{"b", "c"}));
  EXPECT_EQ(sorted(Ids("woz NOT parkeren")), (std::vector<std::string>{"a", "c"}));
  EXPECT_EQ(sorted(Ids("woz not parkeren")), (std::vector<std::string>{"a", "c"}));
  EXPECT_EQ(sorted(Ids("NOT woz")), std::vector<std::string>{});
}

TEST_F(SearchIndexTest, FieldQualifiers) {
  v1::Dataset with_field = Make("ingezetenen", "Ingezetenen", "Personen in de gemeente");
  with_field.add_schema_fields()->set_name("bsn");
  v1::Dataset mentions = Make("woz-objecten", "Objecten", "Geen bsn hier, wel woz");
  PutAll({with_field, mentions, Make("woz", "WOZ waarden", "")});
  EXPECT_EQ(Ids("field:bsn"), std::vector<std::string>{"ingezetenen"});
  EXPECT_EQ(Ids("title:woz"), std::vector<std::string>{"woz"});
  EXPECT_EQ(Ids("bsn").size(), 2u);
  SearchResult r = Find("field:bsn");
  ASSERT_EQ(r.hits.size(), 1u);
  EXPECT_EQ(r.hits[0].matched_fields, std::vector<std::string>{"schema_fields.name"});
  SearchResult free = Find("bsn");
  for (const SearchHit& hit : free.hits) {
    if (hit.dataset_id == "ingezetenen") {
      EXPECT_EQ(hit.matched_fields, std::vector<std::string>{"schema_fields.name"});
    } else {
      EXPECT_EQ(hit.matched_fields, std::vector<std::string>{"description"});
    }
  }
}

TEST_F(SearchIndexTest, ExactIdAndTitleRankFirst) {
  std::vector<v1::Dataset> datasets;
  for (int i = 0; i < 5; ++i) {
    datasets.push_back(Make(absl::StrCat("noise-", i), "Parkeren parkeren parkeren",
                            "parkeren parkeren parkeren parkeren parkeren parkeren"));
  }
  datasets.push_back(Make("parkeren", "Vergunningen", "Een register"));
  datasets.push_back(Make("register-x", "Parkeren in de binnenstad", "overig"));
  PutAll(datasets);
  SearchResult by_id = Find("parkeren");
  ASSERT_FALSE(by_id.hits.empty());
  EXPECT_EQ(by_id.hits[0].dataset_id, "parkeren");
  EXPECT_TRUE(by_id.hits[0].exact);
  EXPECT_EQ(by_id.total, 7u);  // The exact hit is counted once.
  EXPECT_EQ(by_id.hits.size(), 7u);
  SearchResult by_title = Find("parkeren in de BINNENSTAD");
  ASSERT_FALSE(by_title.hits.empty());
  EXPECT_EQ(by_title.hits[0].dataset_id, "register-x");
  EXPECT_TRUE(by_title.hits[0].exact);
}

TEST_F(SearchIndexTest, HiddenLevelsAbsentEverywhere) {
  PutAll({Make("open", "Woz open", "", v1::CONFIDENTIALITY_OPENBAAR),
          Make("secret", "Woz geheim", "", v1::CONFIDENTIALITY_GEHEIM, "Veiligheid")});
  SearchQuery query = FacetQuery("woz", kPublicAndInternal);
  auto result = index_->Search(query);
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->total, 1u);
  ASSERT_EQ(result->hits.size(), 1u);
  EXPECT_EQ(result->hits[0].dataset_id, "open");
  EXPECT_EQ(result->facets["domain"], (std::map<std::string, uint64_t>{{"Belastingen", 1}}));
  EXPECT_EQ(result->facets["confidentiality"].count("CONFIDENTIALITY_GEHEIM"), 0u);
  // An exact title match of a hidden dataset is not found either.
  EXPECT_TRUE(Ids("woz geheim", kPublicAndInternal).empty());
  query.visible_levels = {};
  EXPECT_EQ(index_->Search(query)->total, 0u);
}

TEST_F(SearchIndexTest, FacetsEqualBruteForce) {
  std::vector<v1::Dataset> datasets;
  const std::vector<std::string> domains = {"Belastingen", "Ruimte", "Burgerzaken"};
  for (int i = 0; i < 60; ++i) {
    v1::Dataset d = Make(absl::StrCat("ds-", i), absl::StrCat("Register ", i),
                         i % 2 ? "woz gegevens" : "andere gegevens",
                         kAll[static_cast<size_t>(i) % kAll.size()],
                         domains[static_cast<size_t>(i) % domains.size()]);
    d.mutable_personal_data()->set_contains_personal_data(i % 3 == 0);
    d.mutable_hosting()->set_provider(i % 4 ? "Centric" : "Azure");
    ASSERT_TRUE(index_->Put(d, DocumentExtras{i % 5 == 0}).ok());
    datasets.push_back(d);
  }
  ASSERT_TRUE(index_->Commit(3).ok());
  SearchQuery query = FacetQuery("gegevens woz", kPublicAndInternal);
  auto result = index_->Search(query);
  ASSERT_TRUE(result.ok()) << result.status();

  std::map<std::string, std::map<std::string, uint64_t>> expected;
  uint64_t total = 0;
  for (size_t i = 0; i < datasets.size(); ++i) {
    const v1::Dataset& d = datasets[i];
    const auto level = d.classification().confidentiality();
    if (std::find(kPublicAndInternal.begin(), kPublicAndInternal.end(), level) ==
        kPublicAndInternal.end()) continue;
    if (d.description() != "woz gegevens") continue;
    ++total;
    ++expected["domain"][d.domain()];
    ++expected["registration_type"][v1::RegistrationType_Name(d.registration_type())];
    ++expected["hosting_kind"][v1::HostingKind_Name(d.hosting().kind())];
    ++expected["provider"][d.hosting().provider()];
    ++expected["confidentiality"][v1::Confidentiality_Name(level)];
    ++expected["contains_personal_data"][d.personal_data().contains_personal_data() ? "true" : "false"];
    ++expected["status"][v1::DatasetStatus_Name(d.status())];
    ++expected["quality_below_norm"][i % 5 == 0 ? "true" : "false"];
  }
  expected["basisregistratie"];  // None set: an empty facet.
  EXPECT_EQ(result->total, total);
  EXPECT_EQ(result->facets, expected);

  // Filters narrow the same way.
  query.filters.domain = "Ruimte";
  query.filters.contains_personal_data = false;
  auto filtered = index_->Search(query);
  ASSERT_TRUE(filtered.ok());
  uint64_t filtered_total = 0;
  for (const auto& d : datasets) {
    const auto level = d.classification().confidentiality();
    if (std::find(kPublicAndInternal.begin(), kPublicAndInternal.end(), level) !=
            kPublicAndInternal.end() &&
        d.description() == "woz gegevens" && d.domain() == "Ruimte" &&
        !d.personal_data().contains_personal_data()) {
      ++filtered_total;
    }
  }
  EXPECT_EQ(filtered->total, filtered_total);
  for (const SearchHit& hit : filtered->hits) {
    EXPECT_EQ(datasets[std::stoul(hit.dataset_id.substr(3))].domain(), "Ruimte");
  }
}

TEST_F(SearchIndexTest, CommitRecordsRevisionAndReopenSeesIt) {
  EXPECT_EQ(index_->applied_revision(), 0u);
  PutAll({Make("woz", "WOZ", "")}, 42);
  EXPECT_EQ(index_->applied_revision(), 42u);
  index_.reset();
  index_ = Open();
  EXPECT_EQ(index_->applied_revision(), 42u);
  EXPECT_EQ(Find("woz").index_revision, 42u);
  EXPECT_EQ(Ids("woz"), std::vector<std::string>{"woz"});
  EXPECT_EQ(index_->Commit(41).code(), absl::StatusCode::kFailedPrecondition);
}

TEST_F(SearchIndexTest, UncommittedChangesAreDiscarded) {
  PutAll({Make("kept", "Woz kept", "")}, 5);
  ASSERT_TRUE(index_->Put(Make("lost", "Woz lost", "")).ok());
  ASSERT_TRUE(index_->Remove("kept").ok());
  EXPECT_EQ(Ids("woz"), std::vector<std::string>{"kept"});  // Not visible before Commit.
  index_.reset();
  index_ = Open();
  EXPECT_EQ(index_->applied_revision(), 5u);
  EXPECT_EQ(Ids("woz"), std::vector<std::string>{"kept"});
}

TEST_F(SearchIndexTest, RemoveAndReplace) {
  PutAll({Make("a", "Woz a", ""), Make("b", "Woz b", "")}, 1);
  ASSERT_TRUE(index_->Remove("a").ok());
  ASSERT_TRUE(index_->Remove("never-there").ok());
  ASSERT_TRUE(index_->Put(Make("b", "Parkeren", "")).ok());
  ASSERT_TRUE(index_->Commit(2).ok());
  EXPECT_TRUE(Ids("woz").empty());
  EXPECT_EQ(Ids("parkeren"), std::vector<std::string>{"b"});
}

// Equal weights are ordered by id, not by the order the documents were
// added, so a rebuilt index ranks as the incremental one did.
TEST_F(SearchIndexTest, EqualWeightsRankById) {
  PutAll({Make("c-drie", "Riool noord", ""), Make("a-een", "Riool noord", ""),
          Make("b-twee", "Riool noord", "")});
  const std::vector<std::string> by_id = {"a-een", "b-twee", "c-drie"};
  EXPECT_EQ(Ids("riool"), by_id);
  EXPECT_EQ(Ids("riool noord"), by_id) << "exact title matches too";
  ASSERT_TRUE(index_->Put(Make("a-een", "Riool noord", "")).ok());  // A new document number.
  ASSERT_TRUE(index_->Commit(2).ok());
  EXPECT_EQ(Ids("riool"), by_id);
  EXPECT_EQ(Ids("riool noord"), by_id);
}

TEST_F(SearchIndexTest, BadSyntaxIsInvalidArgument) {
  PutAll({Make("a", "Woz", "")});
  for (const std::string text : {"woz AND", "OR woz", "\"woz waarde", "(woz", "woz)"}) {
    SearchQuery query;
    query.text = text;
    query.visible_levels = kAll;
    auto result = index_->Search(query);
    EXPECT_EQ(result.status().code(), absl::StatusCode::kInvalidArgument) << text;
    EXPECT_NE(result.status().message().find("query"), std::string::npos);
  }
}

TEST_F(SearchIndexTest, CorruptIndexIsDataLoss) {
  PutAll({Make("a", "Woz", "")});
  index_.reset();
  for (const char* table : {"postlist.glass", "termlist.glass", "docdata.glass"}) {
    std::filesystem::path file = dir_ / table;
    if (!std::filesystem::exists(file)) continue;
    const auto size = std::filesystem::file_size(file);
    std::fstream out(file, std::ios::in | std::ios::out | std::ios::binary);
    std::string garbage(static_cast<size_t>(size), '\x5a');
    out.write(garbage.data(), static_cast<std::streamsize>(garbage.size()));
  }
  auto index = SearchIndex::Open(dir_.string());
  absl::Status status = index.ok() ? absl::OkStatus() : index.status();
  if (index.ok()) {
    SearchQuery query;
    query.text = "woz";
    query.visible_levels = kAll;
    status = (*index)->Search(query).status();
  }
  EXPECT_EQ(status.code(), absl::StatusCode::kDataLoss) << status;
}

TEST_F(SearchIndexTest, SecondWriterIsFailedPrecondition) {
  auto second = SearchIndex::Open(dir_.string());
  EXPECT_EQ(second.status().code(), absl::StatusCode::kFailedPrecondition) << second.status();
}

TEST_F(SearchIndexTest, SnippetsUseOnlyCallerText) {
  v1::Dataset d = Make("brp", "Ingezetenen", "Personen in de gemeente");
  v1::SchemaField* hidden = d.add_schema_fields();
  hidden->set_name("adres");
  hidden->set_description("geheimcode woonadres");
  PutAll({d});
  SearchResult result = Find("geheimcode OR personen");
  ASSERT_EQ(result.hits.size(), 1u);
  // The caller's presented text, with the redacted description left out.
  const std::string presented = "Ingezetenen. Personen in de gemeente. adres";
  const std::string snippet = Snippet(result, presented);
  EXPECT_NE(snippet.find("<b>Personen</b>"), std::string::npos) << snippet;
  EXPECT_EQ(snippet.find("geheimcode"), std::string::npos) << snippet;
  EXPECT_EQ(Snippet(Find("nietsgevonden"), presented), "");
}

TEST_F(SearchIndexTest, TwoThousandGeneratedDatasets) {
  const std::vector<std::string> words = {"belasting", "woz", "parkeren", "afval", "brp",
                                          "bag", "subsidie", "vergunning", "riolering", "groen"};
  for (int i = 0; i < 2000; ++i) {
    v1::Dataset d = Make(absl::StrCat("gen-", i),
                         absl::StrCat(words[static_cast<size_t>(i) % words.size()], " register ", i),
                         absl::StrCat(words[static_cast<size_t>(i * 7) % words.size()], " gegevens"),
                         kAll[static_cast<size_t>(i) % kAll.size()]);
    ASSERT_TRUE(index_->Put(d).ok());
  }
  ASSERT_TRUE(index_->Commit(2000).ok());
  SearchQuery query = FacetQuery("woz gegevens", kAll);
  auto result = index_->Search(query);
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_GT(result->total, 0u);
  EXPECT_EQ(result->hits.size(), 20u);
  query.offset = 20;
  auto page2 = index_->Search(query);
  ASSERT_TRUE(page2.ok());
  EXPECT_NE(page2->hits.front().dataset_id, result->hits.front().dataset_id);
  EXPECT_EQ(page2->hits.front().rank, 20u);
}

}  // namespace
}  // namespace catalog::search
