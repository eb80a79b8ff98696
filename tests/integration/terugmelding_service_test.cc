// TerugmeldingService end to end against an in-process catalogd on port 0,
// over real mutual TLS, on a real RocksDB: filing and its validation, the
// status machine (every pair of statuses, against the intended machine
// written out below, never taken from the production table),
// history, deadlines and overdue under a controlled clock, who sees and
// handles which report, hidden datasets, etags, paging, and the store's
// integrity after a run. Also TerugmeldingCatalog::CountOpen (for the
// quality report) on a store of its own.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <fstream>
#include <functional>
#include <map>
#include <queue>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "api/enum_text.h"
#include "api/resource_names.h"
#include "catalog/v1/audit_service.grpc.pb.h"
#include "catalog/v1/quality_service.grpc.pb.h"
#include "server/core/page_token.h"
#include "server/core/terugmelding_catalog.h"
#include "server/security/authorization.h"
#include "tests/integration/grpc_expectations.h"
#include "tests/support/test_support.h"

namespace catalog::testing {
namespace {

namespace v1 = ::catalog::v1;
using grpc::StatusCode;
using v1::Terugmelding;
using v1::TerugmeldingStatus;
using ::testing::HasSubstr;
using ::testing::MatchesRegex;
using ::testing::Not;
using ::testing::UnorderedElementsAre;

constexpr TerugmeldingStatus kStatuses[] = {
    v1::TERUGMELDING_STATUS_GEMELD,
    v1::TERUGMELDING_STATUS_IN_BEHANDELING,
    v1::TERUGMELDING_STATUS_INGETROKKEN,
    v1::TERUGMELDING_STATUS_ONVOLDOENDE_INFORMATIE,
    v1::TERUGMELDING_STATUS_VERKEERDE_BRONHOUDER,
    v1::TERUGMELDING_STATUS_INGEPLAND,
    v1::TERUGMELDING_STATUS_AFGEHANDELD,
};

// The intended status machine (domain.md, Digimelding), written out by
// hand: one row per status a report is in, one column per status it is
// moved to, in the order of kStatuses; 'x' allowed, '.' refused.
struct ExpectedTransitions {
  TerugmeldingStatus from;
  const char* to;
};

constexpr ExpectedTransitions kExpectedMachine[] = {
    // clang-format off
    // from                                       to: GEMELD
    //                                                | IN_BEHANDELING
    //                                                | | INGETROKKEN
    //                                                | | | ONVOLDOENDE_INFORMATIE
    //                                                | | | | VERKEERDE_BRONHOUDER
    //                                                | | | | | INGEPLAND
    //                                                | | | | | | AFGEHANDELD
    {v1::TERUGMELDING_STATUS_GEMELD,                 ". x x x x . ."},
    {v1::TERUGMELDING_STATUS_IN_BEHANDELING,         ". . x . . x x"},
    {v1::TERUGMELDING_STATUS_INGETROKKEN,            ". . . . . . ."},
    {v1::TERUGMELDING_STATUS_ONVOLDOENDE_INFORMATIE, ". x x . . . ."},
    {v1::TERUGMELDING_STATUS_VERKEERDE_BRONHOUDER,   "x . x . . . ."},
    {v1::TERUGMELDING_STATUS_INGEPLAND,              ". . . . . . x"},
    {v1::TERUGMELDING_STATUS_AFGEHANDELD,            ". . . . . . ."},
    // clang-format on
};

// The statuses that are open (count towards the deadline): all but the two
// final ones.
constexpr TerugmeldingStatus kOpenStatuses[] = {
    v1::TERUGMELDING_STATUS_GEMELD,
    v1::TERUGMELDING_STATUS_IN_BEHANDELING,
    v1::TERUGMELDING_STATUS_ONVOLDOENDE_INFORMATIE,
    v1::TERUGMELDING_STATUS_VERKEERDE_BRONHOUDER,
    v1::TERUGMELDING_STATUS_INGEPLAND,
};

std::string Upper(TerugmeldingStatus status) {
  std::string name = api::EnumShortName(status);
  for (char& c : name) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return name;
}

// Whether the intended machine moves a report from `from` to `to`. A
// malformed row fails the test.
bool Expected(TerugmeldingStatus from, TerugmeldingStatus to) {
  for (const ExpectedTransitions& row : kExpectedMachine) {
    if (row.from != from) continue;
    const std::string cells(row.to);
    if (cells.size() != 2 * std::size(kStatuses) - 1) {
      ADD_FAILURE() << Upper(from) << ": \"" << cells << "\" needs " << std::size(kStatuses)
                    << " cells";
      return false;
    }
    for (size_t column = 0; column < std::size(kStatuses); ++column) {
      const char cell = cells[2 * column];
      if (cell != 'x' && cell != '.') ADD_FAILURE() << Upper(from) << ": cell '" << cell << "'";
      if (kStatuses[column] == to) return cell == 'x';
    }
    ADD_FAILURE() << Upper(to) << " is not a column";
    return false;
  }
  ADD_FAILURE() << Upper(from) << " has no row";
  return false;
}

// The statuses the intended machine moves a report to from `from`.
std::set<std::string> ExpectedTargets(TerugmeldingStatus from) {
  std::set<std::string> targets;
  for (TerugmeldingStatus to : kStatuses) {
    if (Expected(from, to)) targets.insert(api::EnumShortName(to));
  }
  return targets;
}

// The shortest way from GEMELD to `status` through the intended machine.
std::vector<TerugmeldingStatus> PathTo(TerugmeldingStatus status) {
  std::map<TerugmeldingStatus, std::vector<TerugmeldingStatus>> paths{
      {v1::TERUGMELDING_STATUS_GEMELD, {}}};
  std::queue<TerugmeldingStatus> queue;
  queue.push(v1::TERUGMELDING_STATUS_GEMELD);
  while (!queue.empty()) {
    const TerugmeldingStatus from = queue.front();
    queue.pop();
    for (TerugmeldingStatus to : kStatuses) {
      if (!Expected(from, to) || paths.contains(to)) continue;
      paths[to] = paths[from];
      paths[to].push_back(to);
      queue.push(to);
    }
  }
  EXPECT_TRUE(paths.contains(status)) << Upper(status) << " is unreachable from GEMELD";
  return paths[status];
}

// A clock the test moves: real time plus an offset.
struct TestClock {
  std::atomic<int64_t> offset_seconds{0};
  absl::Time Now() const { return absl::Now() + absl::Seconds(offset_seconds.load()); }
  void Advance(absl::Duration d) { offset_seconds += absl::ToInt64Seconds(d); }
};

// One principal's stubs.
struct Client {
  std::unique_ptr<v1::CatalogService::Stub> catalog;
  std::unique_ptr<v1::TerugmeldingService::Stub> reports;
};

// LineageServerTest's layout (data directory, StopAndOpenStore) with a
// server of its own: a controlled clock and, optionally, another policy.
class TerugmeldingServiceTest : public LineageServerTest {
 protected:
  void SetUp() override { StartServer(""); }

  // Starts catalogd with the development policy, or with `policy_toml`.
  void StartServer(const std::string& policy_toml) {
    clients_.clear();
    server_.reset();
    server::ServerOptions options;
    options.data_dir = dir_.path() + "/data";
    if (!policy_toml.empty()) {
      options.policy_file = dir_.path() + "/policy.toml";
      std::ofstream(options.policy_file) << policy_toml;
    }
    options.terugmelding.now = [clock = clock_] { return clock->Now(); };
    server_ = TestServer::Start(options);
    ASSERT_NE(server_, nullptr);
    for (const char* who : {"admin", "steward", "reader", "auditor"}) {
      std::shared_ptr<grpc::Channel> channel = server_->Channel(who);
      clients_[who] = Client{v1::CatalogService::NewStub(channel),
                             v1::TerugmeldingService::NewStub(channel)};
    }
  }

  // Policy text of grants given as {principal, role, clearance[, extra
  // line]}.
  static std::string Policy(const std::vector<std::vector<std::string>>& grants) {
    std::string toml;
    for (const std::vector<std::string>& g : grants) {
      absl::StrAppend(&toml, "[[grant]]\nprincipal = \"", g[0], "\"\nroles = [\"", g[1],
                      "\"]\nclearance = \"", g[2], "\"\n", g.size() > 3 ? g[3] : "", "\n");
    }
    return toml;
  }

  v1::TerugmeldingService::Stub& As(const std::string& who) { return *clients_.at(who).reports; }

  void CreateDataset(const v1::Dataset& dataset) {
    v1::CreateDatasetRequest request;
    *request.mutable_dataset() = dataset;
    v1::Dataset out;
    ASSERT_TRUE(IsOk(clients_.at("admin").catalog->CreateDataset(Context().get(), request, &out)))
        << dataset.id();
  }

  void CreateDataset(const std::string& id,
                     v1::Confidentiality level = v1::CONFIDENTIALITY_INTERN) {
    v1::Dataset dataset = ValidDataset(id);
    dataset.mutable_classification()->set_confidentiality(level);
    CreateDataset(dataset);
  }

  static Terugmelding Draft(const std::string& dataset) {
    Terugmelding t;
    t.set_dataset(dataset);
    t.set_explanation("Het huisnummer bestaat niet in de BAG");
    t.set_reference("REF-1");
    return t;
  }

  grpc::Status File(const std::string& who, const Terugmelding& draft, Terugmelding* out) {
    v1::FileTerugmeldingRequest request;
    *request.mutable_terugmelding() = draft;
    return As(who).FileTerugmelding(Context().get(), request, out);
  }

  Terugmelding FileOk(const std::string& who, const std::string& dataset) {
    Terugmelding out;
    EXPECT_TRUE(IsOk(File(who, Draft(dataset), &out)));
    return out;
  }

  grpc::Status Get(const std::string& who, const std::string& name, Terugmelding* out) {
    v1::GetTerugmeldingRequest request;
    request.set_name(name);
    return As(who).GetTerugmelding(Context().get(), request, out);
  }

  Terugmelding GetOk(const std::string& who, const std::string& name) {
    Terugmelding out;
    EXPECT_TRUE(IsOk(Get(who, name, &out)));
    return out;
  }

  grpc::Status Move(const std::string& who, const std::string& name, TerugmeldingStatus to,
                    Terugmelding* out, const std::string& note = "",
                    const std::string& etag = "") {
    v1::TransitionTerugmeldingRequest request;
    request.set_name(name);
    request.set_status(to);
    request.set_note(note);
    request.set_etag(etag);
    return As(who).TransitionTerugmelding(Context().get(), request, out);
  }

  grpc::Status List(const std::string& who, const v1::ListTerugmeldingenRequest& request,
                    v1::ListTerugmeldingenResponse* out) {
    return As(who).ListTerugmeldingen(Context().get(), request, out);
  }

  // Every report of the caller, paging through with `page_size`.
  std::vector<Terugmelding> Mine(const std::string& who, bool open_only = false,
                                 int page_size = 0) {
    std::vector<Terugmelding> all;
    v1::ListMyTerugmeldingenRequest request;
    request.set_open_only(open_only);
    request.set_page_size(page_size);
    for (int pages = 0; pages < 50; ++pages) {
      v1::ListTerugmeldingenResponse response;
      EXPECT_TRUE(IsOk(As(who).ListMyTerugmeldingen(Context().get(), request, &response)));
      for (const Terugmelding& t : response.terugmeldingen()) all.push_back(t);
      if (response.next_page_token().empty()) break;
      request.set_page_token(response.next_page_token());
    }
    return all;
  }

  static std::vector<std::string> Names(const std::vector<Terugmelding>& reports) {
    std::vector<std::string> names;
    for (const Terugmelding& t : reports) names.push_back(t.name());
    return names;
  }

  std::unique_ptr<storage::CatalogStore> StopAndOpen() {
    clients_.clear();
    return StopAndOpenStore();
  }

  std::shared_ptr<TestClock> clock_ = std::make_shared<TestClock>();
  std::map<std::string, Client> clients_;
};

// ---- Filing ----

TEST_F(TerugmeldingServiceTest, ReaderFilesAndTheServerAssignsIdReporterAndStatus) {
  CreateDataset("bag-adressen");
  Terugmelding draft = Draft("bag-adressen");
  draft.set_id("mijn-eigen-id");                              // Output only.
  draft.set_reporter_principal("iemand-anders");              // Output only.
  draft.set_status(v1::TERUGMELDING_STATUS_AFGEHANDELD);      // Output only.
  draft.mutable_reporter_organisation()->set_name("Belastingdienst");
  draft.mutable_reporter_organisation()->set_oin("00000001003214345000");
  draft.set_object_reference("0363200000123456");
  v1::DoubtedAttribute* attribute = draft.add_attributes();
  attribute->set_name("huisnummer");
  attribute->set_doubted_value("12");
  attribute->set_proposed_value("14");
  draft.add_contacts()->set_role(v1::CONTACT_ROLE_MELDER);
  draft.set_dimension(v1::QUALITY_DIMENSION_JUISTHEID);
  Terugmelding filed;
  ASSERT_TRUE(IsOk(File("reader", draft, &filed)));

  EXPECT_THAT(filed.id(), MatchesRegex("tm-[a-z2-7]{10}"));
  EXPECT_EQ(filed.name(), absl::StrCat("datasets/bag-adressen/reports/", filed.id()));
  EXPECT_EQ(filed.dataset(), "datasets/bag-adressen");
  EXPECT_EQ(filed.reporter_principal(), "reader");
  EXPECT_EQ(filed.status(), v1::TERUGMELDING_STATUS_GEMELD);
  ASSERT_EQ(filed.history_size(), 1);
  EXPECT_EQ(filed.history(0).from(), v1::TERUGMELDING_STATUS_UNSPECIFIED);
  EXPECT_EQ(filed.history(0).to(), v1::TERUGMELDING_STATUS_GEMELD);
  EXPECT_EQ(filed.history(0).principal(), "reader");
  EXPECT_GT(filed.history(0).time().seconds(), 1000000000);
  EXPECT_EQ(filed.attributes(0).proposed_value(), "14");
  EXPECT_GT(filed.revision(), 0);
  EXPECT_EQ(filed.etag(), absl::StrCat(filed.revision()));
  EXPECT_TRUE(filed.has_deadline());
  EXPECT_FALSE(filed.overdue());

  EXPECT_TRUE(SameMessage(GetOk("reader", filed.name()), filed));
  EXPECT_NE(FileOk("reader", "datasets/bag-adressen").id(), filed.id());
}

TEST_F(TerugmeldingServiceTest, FilingValidationNamesTheField) {
  v1::Dataset dataset = ValidDataset("bag-adressen");
  AddField(&dataset, "huisnummer");
  CreateDataset(dataset);
  struct Case {
    std::function<void(Terugmelding*)> change;
    std::string field;
  };
  const std::vector<Case> cases = {
      {[](Terugmelding* t) { t->clear_dataset(); }, "terugmelding.dataset: required"},
      {[](Terugmelding* t) { t->set_dataset("Geen Slug!"); }, "terugmelding.dataset"},
      {[](Terugmelding* t) { t->clear_explanation(); }, "terugmelding.explanation: required"},
      {[](Terugmelding* t) { t->set_reference("1234567890123"); },
       "terugmelding.reference: at most 12 characters"},
      {[](Terugmelding* t) { t->add_attributes()->set_doubted_value("x"); },
       "terugmelding.attributes[0].name: required"},
      {[](Terugmelding* t) { t->add_attributes()->set_name("postcode"); },
       "terugmelding.attributes[0].name: \"postcode\" is not a field of datasets/bag-adressen"},
      {[](Terugmelding* t) { t->mutable_reporter_organisation()->set_oin("123"); },
       "terugmelding.reporter_organisation.oin"},
      {[](Terugmelding* t) { t->add_contacts()->set_name("Jan"); },
       "terugmelding.contacts[0].role: required"},
      {[](Terugmelding* t) { t->set_dimension(static_cast<v1::QualityDimension>(99)); },
       "terugmelding.dimension"},
  };
  for (const Case& c : cases) {
    Terugmelding draft = Draft("bag-adressen");
    c.change(&draft);
    Terugmelding out;
    EXPECT_TRUE(HasStatus(File("reader", draft, &out), StatusCode::INVALID_ARGUMENT, c.field));
  }
  // Twelve characters are fine, also when they are not ASCII.
  Terugmelding draft = Draft("bag-adressen");
  draft.set_reference("éééééééééééé");
  draft.add_attributes()->set_name("huisnummer");
  Terugmelding out;
  EXPECT_TRUE(IsOk(File("reader", draft, &out)));
  EXPECT_TRUE(Mine("steward").empty());
}

// ---- The status machine ----

// The core's table itself, cell by cell, without a server.
TEST(TerugmeldingStatusMachine, AllowsExactlyTheIntendedTransitions) {
  int allowed = 0;
  for (TerugmeldingStatus from : kStatuses) {
    for (TerugmeldingStatus to : kStatuses) {
      EXPECT_EQ(server::TransitionAllowed(from, to), Expected(from, to))
          << Upper(from) << " -> " << Upper(to);
      allowed += Expected(from, to) ? 1 : 0;
    }
    EXPECT_FALSE(server::TransitionAllowed(from, v1::TERUGMELDING_STATUS_UNSPECIFIED));
    EXPECT_FALSE(server::TransitionAllowed(v1::TERUGMELDING_STATUS_UNSPECIFIED, from));
  }
  EXPECT_EQ(allowed, 12) << "the intended machine has 12 transitions";
}

// An open status without a way out would go overdue forever; a final one
// must stay final.
TEST(TerugmeldingStatusMachine, EveryOpenStatusHasAWayOutAndNoFinalOneHas) {
  const std::set<TerugmeldingStatus> open(std::begin(kOpenStatuses), std::end(kOpenStatuses));
  for (TerugmeldingStatus status : kStatuses) {
    SCOPED_TRACE(Upper(status));
    EXPECT_EQ(server::IsOpen(status), open.contains(status));
    EXPECT_EQ(!ExpectedTargets(status).empty(), open.contains(status));
    bool way_out = false;
    for (TerugmeldingStatus to : kStatuses) way_out |= server::TransitionAllowed(status, to);
    EXPECT_EQ(way_out, open.contains(status));
  }
}

TEST_F(TerugmeldingServiceTest, EveryTransitionFollowsTheIntendedMachine) {
  CreateDataset("bag-adressen");
  int allowed = 0, refused = 0;
  for (TerugmeldingStatus from : kStatuses) {
    for (TerugmeldingStatus to : kStatuses) {
      SCOPED_TRACE(absl::StrCat(Upper(from), " -> ", Upper(to)));
      Terugmelding t = FileOk("reader", "bag-adressen");
      for (TerugmeldingStatus step : PathTo(from)) {
        ASSERT_TRUE(IsOk(Move("steward", t.name(), step, &t)));
      }
      ASSERT_EQ(t.status(), from);
      const int history = t.history_size();
      Terugmelding moved;
      const grpc::Status status = Move("steward", t.name(), to, &moved, "notitie");
      if (Expected(from, to)) {
        ++allowed;
        ASSERT_TRUE(IsOk(status));
        EXPECT_EQ(moved.status(), to);
        ASSERT_EQ(moved.history_size(), history + 1);
        const v1::StatusChange& change = moved.history(history);
        EXPECT_EQ(change.from(), from);
        EXPECT_EQ(change.to(), to);
        EXPECT_EQ(change.principal(), "steward");
        EXPECT_EQ(change.note(), "notitie");
        EXPECT_EQ(GetOk("steward", t.name()).status(), to);
      } else {
        ++refused;
        EXPECT_TRUE(HasStatus(status, StatusCode::FAILED_PRECONDITION,
                              absl::StrCat("a terugmelding in ", api::EnumShortName(from),
                                           " cannot move to ", api::EnumShortName(to))));
        // The refusal lists the moves there are.
        const std::string message = status.error_message();
        const size_t list = message.find("(allowed: ");
        if (list == std::string::npos) {
          ADD_FAILURE() << "no list of allowed moves in: " << message;
        } else {
          const std::string targets = message.substr(list + 10, message.size() - list - 11);
          const std::vector<std::string> named = absl::StrSplit(targets, ", ");
          EXPECT_EQ(std::set<std::string>(named.begin(), named.end()),
                    ExpectedTargets(from).empty() ? std::set<std::string>{"none"}
                                                  : ExpectedTargets(from))
              << message;
        }
        const Terugmelding unchanged = GetOk("steward", t.name());
        EXPECT_EQ(unchanged.status(), from);
        EXPECT_EQ(unchanged.revision(), t.revision());
      }
    }
  }
  EXPECT_EQ(allowed, 12);
  EXPECT_EQ(refused, 37);
}

// A report the steward cannot handle for lack of information is not stuck:
// once the reporter has supplied it, the steward takes it up again and
// settles it. Meanwhile it stays open and goes overdue like any open one;
// the reporter cannot move it back themselves.
TEST_F(TerugmeldingServiceTest, InsufficientInformationGoesBackIntoHandling) {
  CreateDataset("bag-adressen");
  const Terugmelding filed = FileOk("reader", "bag-adressen");
  Terugmelding t;
  ASSERT_TRUE(IsOk(Move("steward", filed.name(), v1::TERUGMELDING_STATUS_ONVOLDOENDE_INFORMATIE,
                        &t, "welk huisnummer bedoelt u?")));
  EXPECT_EQ(t.status(), v1::TERUGMELDING_STATUS_ONVOLDOENDE_INFORMATIE);
  EXPECT_THAT(Names(Mine("reader", /*open_only=*/true)), UnorderedElementsAre(filed.name()));
  EXPECT_TRUE(HasStatus(Move("reader", filed.name(), v1::TERUGMELDING_STATUS_IN_BEHANDELING, &t),
                        StatusCode::PERMISSION_DENIED, "the reporter may only withdraw"));
  EXPECT_EQ(GetOk("reader", filed.name()).status(),
            v1::TERUGMELDING_STATUS_ONVOLDOENDE_INFORMATIE);

  clock_->Advance(absl::Hours(24 * 20 + 1));  // Past every handling period.
  EXPECT_TRUE(GetOk("steward", filed.name()).overdue());

  ASSERT_TRUE(IsOk(Move("steward", filed.name(), v1::TERUGMELDING_STATUS_IN_BEHANDELING, &t,
                        "aanvulling ontvangen")));
  EXPECT_EQ(t.status(), v1::TERUGMELDING_STATUS_IN_BEHANDELING);
  EXPECT_TRUE(t.overdue()) << "still open and past its deadline";
  ASSERT_TRUE(IsOk(Move("steward", filed.name(), v1::TERUGMELDING_STATUS_AFGEHANDELD, &t,
                        "huisnummer aangepast")));

  const Terugmelding got = GetOk("reader", filed.name());
  EXPECT_EQ(got.status(), v1::TERUGMELDING_STATUS_AFGEHANDELD);
  EXPECT_FALSE(got.overdue());
  ASSERT_EQ(got.history_size(), 4);
  const std::vector<std::tuple<TerugmeldingStatus, TerugmeldingStatus, std::string, std::string>>
      expected = {
          {v1::TERUGMELDING_STATUS_UNSPECIFIED, v1::TERUGMELDING_STATUS_GEMELD, "reader", ""},
          {v1::TERUGMELDING_STATUS_GEMELD, v1::TERUGMELDING_STATUS_ONVOLDOENDE_INFORMATIE,
           "steward", "welk huisnummer bedoelt u?"},
          {v1::TERUGMELDING_STATUS_ONVOLDOENDE_INFORMATIE, v1::TERUGMELDING_STATUS_IN_BEHANDELING,
           "steward", "aanvulling ontvangen"},
          {v1::TERUGMELDING_STATUS_IN_BEHANDELING, v1::TERUGMELDING_STATUS_AFGEHANDELD, "steward",
           "huisnummer aangepast"},
      };
  for (int i = 0; i < 4; ++i) {
    EXPECT_EQ(got.history(i).from(), std::get<0>(expected[i])) << i;
    EXPECT_EQ(got.history(i).to(), std::get<1>(expected[i])) << i;
    EXPECT_EQ(got.history(i).principal(), std::get<2>(expected[i])) << i;
    EXPECT_EQ(got.history(i).note(), std::get<3>(expected[i])) << i;
  }
  EXPECT_TRUE(Mine("reader", /*open_only=*/true).empty());
}

// The reporter asked for more information may withdraw the report instead:
// it is then closed, and no longer open or overdue.
TEST_F(TerugmeldingServiceTest, ReporterWithdrawsAReportWithInsufficientInformation) {
  CreateDataset("bag-adressen");
  const Terugmelding filed = FileOk("reader", "bag-adressen");
  Terugmelding t;
  ASSERT_TRUE(IsOk(Move("steward", filed.name(), v1::TERUGMELDING_STATUS_ONVOLDOENDE_INFORMATIE,
                        &t, "welk huisnummer bedoelt u?")));
  ASSERT_TRUE(IsOk(Move("reader", filed.name(), v1::TERUGMELDING_STATUS_INGETROKKEN, &t,
                        "was een vergissing")));
  EXPECT_EQ(t.status(), v1::TERUGMELDING_STATUS_INGETROKKEN);
  ASSERT_EQ(t.history_size(), 3);
  EXPECT_EQ(t.history(2).from(), v1::TERUGMELDING_STATUS_ONVOLDOENDE_INFORMATIE);
  EXPECT_EQ(t.history(2).to(), v1::TERUGMELDING_STATUS_INGETROKKEN);
  EXPECT_EQ(t.history(2).principal(), "reader");
  EXPECT_EQ(t.history(2).note(), "was een vergissing");
  EXPECT_EQ(GetOk("steward", filed.name()).status(), v1::TERUGMELDING_STATUS_INGETROKKEN);
  EXPECT_TRUE(Mine("reader", /*open_only=*/true).empty());
  clock_->Advance(absl::Hours(24 * 20 + 1));
  EXPECT_FALSE(GetOk("reader", filed.name()).overdue());
  // Withdrawn is final, for the steward too.
  EXPECT_EQ(Move("steward", filed.name(), v1::TERUGMELDING_STATUS_IN_BEHANDELING, &t).error_code(),
            StatusCode::FAILED_PRECONDITION);
}

TEST_F(TerugmeldingServiceTest, UnspecifiedTargetStatusIsInvalid) {
  CreateDataset("bag-adressen");
  const Terugmelding t = FileOk("reader", "bag-adressen");
  Terugmelding out;
  EXPECT_TRUE(HasStatus(Move("steward", t.name(), v1::TERUGMELDING_STATUS_UNSPECIFIED, &out),
                        StatusCode::INVALID_ARGUMENT, "status: required"));
  EXPECT_TRUE(HasStatus(Move("steward", t.name(), static_cast<TerugmeldingStatus>(42), &out),
                        StatusCode::INVALID_ARGUMENT, "status"));
}

TEST_F(TerugmeldingServiceTest, HistoryKeepsWhoWhenAndNote) {
  CreateDataset("bag-adressen");
  const Terugmelding filed = FileOk("reader", "bag-adressen");
  Terugmelding t;
  ASSERT_TRUE(IsOk(Move("steward", filed.name(), v1::TERUGMELDING_STATUS_IN_BEHANDELING, &t,
                        "opgepakt door team BAG")));
  v1::TransitionTerugmeldingRequest request;
  request.set_name(filed.name());
  request.set_status(v1::TERUGMELDING_STATUS_INGEPLAND);
  request.set_note("mutatie gepland");
  request.set_planning_expectation("2026-12-15");
  ASSERT_TRUE(IsOk(As("admin").TransitionTerugmelding(Context().get(), request, &t)));
  ASSERT_TRUE(IsOk(Move("steward", filed.name(), v1::TERUGMELDING_STATUS_AFGEHANDELD, &t,
                        "huisnummer aangepast")));

  const Terugmelding got = GetOk("reader", filed.name());
  EXPECT_EQ(got.status(), v1::TERUGMELDING_STATUS_AFGEHANDELD);
  EXPECT_EQ(got.planning_expectation(), "2026-12-15");
  ASSERT_EQ(got.history_size(), 4);
  const std::vector<std::tuple<std::string, std::string>> expected = {
      {"reader", ""},
      {"steward", "opgepakt door team BAG"},
      {"admin", "mutatie gepland"},
      {"steward", "huisnummer aangepast"}};
  for (int i = 0; i < 4; ++i) {
    EXPECT_EQ(got.history(i).principal(), std::get<0>(expected[i])) << i;
    EXPECT_EQ(got.history(i).note(), std::get<1>(expected[i])) << i;
    if (i > 0) {
      EXPECT_EQ(got.history(i).from(), got.history(i - 1).to()) << i;
      EXPECT_GE(got.history(i).time().seconds(), got.history(i - 1).time().seconds()) << i;
    }
  }
  EXPECT_EQ(got.create_time().seconds(), filed.create_time().seconds());
  EXPECT_GE(got.update_time().seconds(), filed.update_time().seconds());
}

TEST_F(TerugmeldingServiceTest, StaleEtagIsAbortedAndChangesNothing) {
  CreateDataset("bag-adressen");
  const Terugmelding filed = FileOk("reader", "bag-adressen");
  Terugmelding t;
  ASSERT_TRUE(IsOk(Move("steward", filed.name(), v1::TERUGMELDING_STATUS_IN_BEHANDELING, &t, "",
                        filed.etag())));
  EXPECT_TRUE(HasStatus(Move("steward", filed.name(), v1::TERUGMELDING_STATUS_AFGEHANDELD, &t,
                             "", filed.etag()),
                        StatusCode::ABORTED, "was changed since revision"));
  EXPECT_EQ(GetOk("steward", filed.name()).status(), v1::TERUGMELDING_STATUS_IN_BEHANDELING);
  EXPECT_TRUE(HasStatus(Move("steward", filed.name(), v1::TERUGMELDING_STATUS_AFGEHANDELD, &t,
                             "", "geen-etag"),
                        StatusCode::INVALID_ARGUMENT, "etag"));
}

// ---- Deadlines ----

TEST_F(TerugmeldingServiceTest, DeadlineFollowsRegistrationTypeAndOverdueTheClock) {
  v1::Dataset basis = ValidDataset("bag-adressen");
  basis.set_registration_type(v1::REGISTRATION_TYPE_BASISREGISTRATIE);
  basis.set_basisregistratie(v1::BASISREGISTRATIE_BAG);
  basis.set_municipal_role(v1::MUNICIPAL_ROLE_BRONHOUDER);
  CreateDataset(basis);
  v1::Dataset kern = ValidDataset("klantregister");
  kern.set_registration_type(v1::REGISTRATION_TYPE_KERNREGISTRATIE);
  CreateDataset(kern);
  CreateDataset("wmo-voorzieningen");  // Sectorregistratie.

  const Terugmelding b = FileOk("reader", "bag-adressen");
  const Terugmelding k = FileOk("reader", "klantregister");
  const Terugmelding s = FileOk("reader", "wmo-voorzieningen");
  Terugmelding done = FileOk("reader", "bag-adressen");
  for (TerugmeldingStatus step : PathTo(v1::TERUGMELDING_STATUS_AFGEHANDELD)) {
    ASSERT_TRUE(IsOk(Move("steward", done.name(), step, &done)));
  }
  const std::map<std::string, int> days = {
      {b.name(), 5}, {k.name(), 10}, {s.name(), 20}, {done.name(), 5}};
  for (const auto& [name, d] : days) {
    const Terugmelding t = GetOk("reader", name);
    EXPECT_EQ(t.deadline().seconds() - t.create_time().seconds(), d * 86400) << name;
    EXPECT_FALSE(t.overdue()) << name;
  }

  auto overdue = [&](const std::string& who) {
    std::set<std::string> names;
    for (const Terugmelding& t : Mine(who)) {
      if (t.overdue()) names.insert(t.name());
    }
    return names;
  };
  clock_->Advance(absl::Hours(24 * 5 + 1));
  EXPECT_EQ(overdue("reader"), std::set<std::string>{b.name()})
      << "a closed report is never overdue";
  EXPECT_TRUE(GetOk("steward", b.name()).overdue());
  clock_->Advance(absl::Hours(24 * 5));
  EXPECT_EQ(overdue("reader"), (std::set<std::string>{b.name(), k.name()}));
  clock_->Advance(absl::Hours(24 * 10));
  EXPECT_EQ(overdue("reader"), (std::set<std::string>{b.name(), k.name(), s.name()}));
  v1::ListTerugmeldingenRequest request;
  request.set_dataset("bag-adressen");
  v1::ListTerugmeldingenResponse response;
  ASSERT_TRUE(IsOk(List("steward", request, &response)));
  ASSERT_EQ(response.terugmeldingen_size(), 2);
  for (const Terugmelding& t : response.terugmeldingen()) {
    EXPECT_EQ(t.overdue(), t.name() == b.name()) << t.name();
  }
  // Handling it ends the overdue state.
  Terugmelding t;
  ASSERT_TRUE(IsOk(Move("steward", b.name(), v1::TERUGMELDING_STATUS_INGETROKKEN, &t)));
  EXPECT_FALSE(t.overdue());
}

// ---- Who sees and handles what ----

TEST_F(TerugmeldingServiceTest, ReporterSeesOwnReportsOnlyThroughListMine) {
  CreateDataset("bag-adressen");
  CreateDataset("brp-ingezetenen");
  const Terugmelding r1 = FileOk("reader", "bag-adressen");
  const Terugmelding r2 = FileOk("reader", "brp-ingezetenen");
  const Terugmelding s1 = FileOk("steward", "bag-adressen");
  EXPECT_THAT(Names(Mine("reader")), UnorderedElementsAre(r1.name(), r2.name()));
  EXPECT_THAT(Names(Mine("steward")), UnorderedElementsAre(s1.name()));
  EXPECT_TRUE(Mine("admin").empty());

  Terugmelding out;
  EXPECT_TRUE(HasStatus(Get("reader", s1.name(), &out), StatusCode::NOT_FOUND,
                        absl::StrCat("terugmelding ", s1.name(), " not found")));
  // Exactly the answer for a report that does not exist.
  const std::string missing = "datasets/bag-adressen/reports/tm-aaaaaaaaaa";
  grpc::Status absent = Get("reader", missing, &out);
  EXPECT_EQ(absent.error_code(), StatusCode::NOT_FOUND);
  EXPECT_EQ(absent.error_message(), absl::StrCat("terugmelding ", missing, " not found"));

  v1::ListTerugmeldingenRequest request;
  request.set_dataset("bag-adressen");
  v1::ListTerugmeldingenResponse response;
  EXPECT_TRUE(HasStatus(List("reader", request, &response), StatusCode::PERMISSION_DENIED,
                        "does not handle terugmeldingen"));
  for (const char* who : {"steward", "admin", "auditor"}) {
    ASSERT_TRUE(IsOk(List(who, request, &response))) << who;
    EXPECT_EQ(response.terugmeldingen_size(), 2) << who;
    EXPECT_TRUE(IsOk(Get(who, r1.name(), &out))) << who;
  }
}

TEST_F(TerugmeldingServiceTest, ReaderWithdrawsOwnButHandlesNobodysReport) {
  CreateDataset("bag-adressen");
  const Terugmelding theirs = FileOk("steward", "bag-adressen");
  const Terugmelding own = FileOk("reader", "bag-adressen");
  Terugmelding out;
  EXPECT_TRUE(HasStatus(
      Move("reader", theirs.name(), v1::TERUGMELDING_STATUS_INGETROKKEN, &out),
      StatusCode::NOT_FOUND, "not found"));
  EXPECT_TRUE(HasStatus(
      Move("reader", own.name(), v1::TERUGMELDING_STATUS_IN_BEHANDELING, &out),
      StatusCode::PERMISSION_DENIED, "the reporter may only withdraw"));
  EXPECT_TRUE(HasStatus(Move("auditor", own.name(), v1::TERUGMELDING_STATUS_IN_BEHANDELING, &out),
                        StatusCode::PERMISSION_DENIED, "does not handle terugmeldingen"));
  EXPECT_EQ(GetOk("steward", own.name()).status(), v1::TERUGMELDING_STATUS_GEMELD);
  ASSERT_TRUE(IsOk(Move("reader", own.name(), v1::TERUGMELDING_STATUS_INGETROKKEN, &out,
                        "toch correct")));
  EXPECT_EQ(out.status(), v1::TERUGMELDING_STATUS_INGETROKKEN);
  EXPECT_EQ(out.history(1).principal(), "reader");
  EXPECT_EQ(GetOk("steward", theirs.name()).status(), v1::TERUGMELDING_STATUS_GEMELD);
}

TEST_F(TerugmeldingServiceTest, StewardsHandleOnlyTheirDomains) {
  StartServer(Policy({{"admin", "admin", "zeer_geheim"},
                      {"steward", "steward", "vertrouwelijk", "domains = [\"Burgerzaken\"]"},
                      {"reader", "reader", "intern"},
                      {"auditor", "auditor", "zeer_geheim"}}));
  CreateDataset("wmo-voorzieningen");  // Sociaal domein.
  v1::Dataset own = ValidDataset("brp-ingezetenen");
  own.set_domain("Burgerzaken");
  CreateDataset(own);
  const Terugmelding other = FileOk("reader", "wmo-voorzieningen");
  const Terugmelding mine = FileOk("reader", "brp-ingezetenen");
  Terugmelding out;
  EXPECT_TRUE(HasStatus(Get("steward", other.name(), &out), StatusCode::NOT_FOUND, "not found"));
  EXPECT_TRUE(HasStatus(Move("steward", other.name(), v1::TERUGMELDING_STATUS_IN_BEHANDELING,
                             &out),
                        StatusCode::NOT_FOUND, "not found"));
  v1::ListTerugmeldingenRequest request;
  request.set_dataset("wmo-voorzieningen");
  v1::ListTerugmeldingenResponse response;
  EXPECT_TRUE(HasStatus(List("steward", request, &response), StatusCode::PERMISSION_DENIED,
                        "domain \"Sociaal domein\""));
  EXPECT_TRUE(IsOk(Move("steward", mine.name(), v1::TERUGMELDING_STATUS_IN_BEHANDELING, &out)));
  request.set_dataset("brp-ingezetenen");
  EXPECT_TRUE(IsOk(List("steward", request, &response)));
  EXPECT_EQ(response.terugmeldingen_size(), 1);
}

TEST_F(TerugmeldingServiceTest, HiddenDatasetIsNotFoundEverywhereAndNeverNamed) {
  CreateDataset("geheim-register", v1::CONFIDENTIALITY_GEHEIM);
  const Terugmelding admins = FileOk("admin", "geheim-register");
  const std::string not_found(api::DatasetNotFoundError("geheim-register").message());
  for (const char* who : {"steward", "reader"}) {
    SCOPED_TRACE(who);
    Terugmelding out;
    EXPECT_TRUE(
        HasStatus(File(who, Draft("geheim-register"), &out), StatusCode::NOT_FOUND, not_found));
    EXPECT_TRUE(HasStatus(Get(who, admins.name(), &out), StatusCode::NOT_FOUND, not_found));
    EXPECT_TRUE(HasStatus(Move(who, admins.name(), v1::TERUGMELDING_STATUS_INGETROKKEN, &out),
                          StatusCode::NOT_FOUND, not_found));
    v1::ListTerugmeldingenRequest request;
    request.set_dataset("geheim-register");
    v1::ListTerugmeldingenResponse response;
    EXPECT_TRUE(HasStatus(List(who, request, &response), StatusCode::NOT_FOUND, not_found));
    for (const Terugmelding& t : Mine(who)) {
      EXPECT_THAT(t.DebugString(), Not(HasSubstr("geheim-register")));
    }
    // A missing dataset answers the same.
    EXPECT_TRUE(HasStatus(File(who, Draft("bestaat-niet"), &out), StatusCode::NOT_FOUND,
                          std::string(api::DatasetNotFoundError("bestaat-niet").message())));
  }
}

TEST_F(TerugmeldingServiceTest, ReporterFollowsAReportWhoseDatasetBecameHidden) {
  CreateDataset("bag-adressen");
  const Terugmelding filed = FileOk("reader", "bag-adressen");
  Terugmelding t;
  ASSERT_TRUE(IsOk(Move("steward", filed.name(), v1::TERUGMELDING_STATUS_IN_BEHANDELING, &t,
                        "interne notitie")));
  v1::UpdateDatasetRequest update;
  update.mutable_dataset()->set_id("bag-adressen");
  update.mutable_dataset()->mutable_classification()->set_confidentiality(
      v1::CONFIDENTIALITY_GEHEIM);
  update.mutable_update_mask()->add_paths("classification");
  v1::Dataset updated;
  ASSERT_TRUE(
      IsOk(clients_.at("admin").catalog->UpdateDataset(Context().get(), update, &updated)));

  Terugmelding out;
  EXPECT_EQ(Get("reader", filed.name(), &out).error_code(), StatusCode::NOT_FOUND);
  const std::vector<Terugmelding> mine = Mine("reader");
  ASSERT_EQ(mine.size(), 1u);
  const Terugmelding& seen = mine[0];
  EXPECT_EQ(seen.id(), filed.id());
  EXPECT_EQ(seen.status(), v1::TERUGMELDING_STATUS_IN_BEHANDELING);
  EXPECT_EQ(seen.explanation(), filed.explanation());
  EXPECT_TRUE(seen.name().empty());
  EXPECT_TRUE(seen.dataset().empty());
  EXPECT_FALSE(seen.has_deadline());
  ASSERT_EQ(seen.history_size(), 2);
  EXPECT_EQ(seen.history(0).principal(), "reader");
  EXPECT_TRUE(seen.history(1).principal().empty());
  EXPECT_TRUE(seen.history(1).note().empty());
  EXPECT_THAT(seen.DebugString(), Not(HasSubstr("bag-adressen")));
  EXPECT_THAT(seen.DebugString(), Not(HasSubstr("interne notitie")));
}

// ---- Listings ----

TEST_F(TerugmeldingServiceTest, ListingsPageAndFilterOpenOnes) {
  CreateDataset("bag-adressen");
  std::vector<std::string> open;
  for (int i = 0; i < 7; ++i) {
    Terugmelding t = FileOk("reader", "bag-adressen");
    if (i % 3 == 0) {
      ASSERT_TRUE(IsOk(Move("reader", t.name(), v1::TERUGMELDING_STATUS_INGETROKKEN, &t)));
    } else {
      open.push_back(t.name());
    }
  }
  EXPECT_EQ(Mine("reader", false, 2).size(), 7u);
  EXPECT_THAT(Names(Mine("reader", true, 2)), ::testing::UnorderedElementsAreArray(open));

  v1::ListTerugmeldingenRequest request;
  request.set_dataset("bag-adressen");
  request.set_open_only(true);
  request.set_page_size(2);
  std::vector<std::string> listed;
  std::string token;
  for (int pages = 0; pages < 20; ++pages) {
    v1::ListTerugmeldingenResponse response;
    ASSERT_TRUE(IsOk(List("steward", request, &response)));
    for (const Terugmelding& t : response.terugmeldingen()) listed.push_back(t.name());
    if (response.next_page_token().empty()) break;
    token = response.next_page_token();
    request.set_page_token(token);
  }
  EXPECT_THAT(listed, ::testing::UnorderedElementsAreArray(open));
  ASSERT_FALSE(token.empty());
  // A token belongs to its query.
  v1::ListMyTerugmeldingenRequest other;
  other.set_page_token(token);
  v1::ListTerugmeldingenResponse response;
  EXPECT_TRUE(HasStatus(As("reader").ListMyTerugmeldingen(Context().get(), other, &response),
                        StatusCode::INVALID_ARGUMENT, "page_token"));
  request.set_page_size(1001);
  EXPECT_TRUE(IsOk(List("steward", request, &response))) << "above the maximum means the maximum";
}

// ---- Atomicity ----

TEST_F(TerugmeldingServiceTest, StoreIsConsistentAndEveryChangeLoggedAndAudited) {
  CreateDataset("bag-adressen");
  const Terugmelding a = FileOk("reader", "bag-adressen");
  const Terugmelding b = FileOk("steward", "bag-adressen");
  Terugmelding t;
  ASSERT_TRUE(IsOk(Move("steward", a.name(), v1::TERUGMELDING_STATUS_IN_BEHANDELING, &t)));
  ASSERT_EQ(Move("steward", b.name(), v1::TERUGMELDING_STATUS_AFGEHANDELD, &t).error_code(),
            StatusCode::FAILED_PRECONDITION);
  std::unique_ptr<storage::CatalogStore> store = StopAndOpen();
  ASSERT_NE(store, nullptr);
  absl::StatusOr<storage::CheckReport> report = store->Check();
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_TRUE(report->ok()) << report->problems.front();
  EXPECT_EQ(report->terugmeldingen, 2);

  // The audit entries of the writes carry the report's name; the refused
  // transition is audited with its code.
  storage::AuditQuery query;
  query.resource = a.name();
  query.descending = false;
  absl::StatusOr<storage::AuditPage> audited = store->ListAudit(query);
  ASSERT_TRUE(audited.ok()) << audited.status();
  std::vector<std::string> methods;
  for (const storage::AuditEntry& entry : audited->entries) methods.push_back(entry.method());
  EXPECT_THAT(methods, ::testing::Contains(server::method::kFileTerugmelding));
  EXPECT_THAT(methods, ::testing::Contains(server::method::kTransitionTerugmelding));
  query.resource = b.name();
  audited = store->ListAudit(query);
  ASSERT_TRUE(audited.ok());
  ASSERT_FALSE(audited->entries.empty());
  EXPECT_EQ(audited->entries.back().code(), static_cast<int>(StatusCode::FAILED_PRECONDITION));
  ASSERT_TRUE(store->Close().ok());
}

// ---- CountOpen (for the quality report) ----

class CountOpenTest : public StoreTest {};

TEST_F(CountOpenTest, CountsOpenOverdueAndPerDimension) {
  storage::WriteContext context;
  context.principal = "tester";
  context.time = absl::Now() - absl::Hours(24 * 30);  // Filed a month ago.
  v1::Dataset basis = ValidDataset("bag-adressen");
  ASSERT_TRUE(store_->CreateDataset(basis, context).ok());
  const std::vector<std::pair<TerugmeldingStatus, v1::QualityDimension>> reports = {
      {v1::TERUGMELDING_STATUS_GEMELD, v1::QUALITY_DIMENSION_JUISTHEID},
      {v1::TERUGMELDING_STATUS_IN_BEHANDELING, v1::QUALITY_DIMENSION_JUISTHEID},
      {v1::TERUGMELDING_STATUS_GEMELD, v1::QUALITY_DIMENSION_UNSPECIFIED},
      {v1::TERUGMELDING_STATUS_AFGEHANDELD, v1::QUALITY_DIMENSION_JUISTHEID},
      {v1::TERUGMELDING_STATUS_INGETROKKEN, v1::QUALITY_DIMENSION_ACTUALITEIT},
  };
  for (size_t i = 0; i < reports.size(); ++i) {
    Terugmelding t;
    t.set_dataset("datasets/bag-adressen");
    t.set_id(absl::StrCat("tm-", i));
    t.set_reporter_principal("reader");
    t.set_status(reports[i].first);
    t.set_dimension(reports[i].second);
    // The last open one was filed just now: not overdue.
    storage::WriteContext when = context;
    if (i == 2) when.time = absl::Now();
    ASSERT_TRUE(store_->CreateTerugmelding(t, when).ok());
  }
  server::PageTokens tokens(std::string(server::PageTokens::kKeySize, 'k'));
  server::TerugmeldingCatalog catalog(store_.get(), server::TerugmeldingOptions(), &tokens);
  absl::StatusOr<server::OpenTerugmeldingen> counts = catalog.CountOpen("bag-adressen");
  ASSERT_TRUE(counts.ok()) << counts.status();
  EXPECT_EQ(counts->open, 3);
  EXPECT_EQ(counts->overdue, 2);
  EXPECT_EQ(counts->by_dimension,
            (std::map<v1::QualityDimension, int32_t>{{v1::QUALITY_DIMENSION_JUISTHEID, 2},
                                                     {v1::QUALITY_DIMENSION_UNSPECIFIED, 1}}));
  EXPECT_EQ(catalog.CountOpen("bestaat-niet").status().code(), absl::StatusCode::kNotFound);
}

}  // namespace
}  // namespace catalog::testing
