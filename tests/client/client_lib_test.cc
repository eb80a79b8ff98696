// Tests of the client library parts that need no server: exit codes, error
// descriptions, JSON input, connection errors and human output.
#include <grpcpp/support/status.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_split.h"
#include "catalog/v1/dataset.pb.h"
#include "client/lib/connection.h"
#include "client/lib/json_input.h"
#include "client/lib/output.h"
#include "client/lib/status.h"

namespace catalog::client {
namespace {

// gmock is not linked: a plain substring check that prints both strings.
#define EXPECT_CONTAINS(haystack, needle)              \
  EXPECT_TRUE(absl::StrContains((haystack), (needle))) \
      << "  text: " << (haystack) << "\n  lacks: " << (needle)
#define EXPECT_LACKS(haystack, needle)                  \
  EXPECT_FALSE(absl::StrContains((haystack), (needle))) \
      << "  text: " << (haystack) << "\n  has: " << (needle)

// A file in a fresh temporary directory, removed with the fixture.
class ClientFilesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ =
        std::filesystem::path(::testing::TempDir()) /
        ("client_lib_test_" +
         std::string(
             ::testing::UnitTest::GetInstance()->current_test_info()->name()));
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::string Write(const std::string& name, const std::string& content) {
    const std::string path = (dir_ / name).string();
    std::ofstream(path, std::ios::binary) << content;
    return path;
  }

  std::string Path(const std::string& name) const {
    return (dir_ / name).string();
  }

  std::filesystem::path dir_;
};

constexpr char kPem[] =
    "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";

// ---- status ----

TEST(ExitCodeFor, OkIsZero) { EXPECT_EQ(ExitCodeFor(absl::OkStatus()), 0); }

TEST(ExitCodeFor, ErrorsAreTheirCanonicalCode) {
  EXPECT_EQ(ExitCodeFor(absl::CancelledError("x")), 1);
  EXPECT_EQ(ExitCodeFor(absl::InvalidArgumentError("x")), 3);
  EXPECT_EQ(ExitCodeFor(absl::NotFoundError("x")), 5);
  EXPECT_EQ(ExitCodeFor(absl::AlreadyExistsError("x")), 6);
  EXPECT_EQ(ExitCodeFor(absl::PermissionDeniedError("x")), 7);
  EXPECT_EQ(ExitCodeFor(absl::AbortedError("x")), 10);
  EXPECT_EQ(ExitCodeFor(absl::UnavailableError("x")), 14);
  EXPECT_EQ(ExitCodeFor(absl::UnauthenticatedError("x")), 16);
}

TEST(ExitCodeFor, UsageErrorIs64) {
  EXPECT_EQ(ExitCodeFor(UsageError("--order: bad")), kUsageExitCode);
  EXPECT_EQ(kUsageExitCode, 64);
  EXPECT_EQ(ExitCodeFor(MarkUsageError(absl::NotFoundError("x"))), 64);
}

TEST(FromGrpcStatus, KeepsCodeAndMessage) {
  absl::Status s =
      FromGrpcStatus(grpc::Status(grpc::StatusCode::NOT_FOUND, "no brp"));
  EXPECT_EQ(s.code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(s.message(), "no brp");
  EXPECT_TRUE(FromGrpcStatus(grpc::Status::OK).ok());
  EXPECT_EQ(FromGrpcStatus(grpc::Status(grpc::StatusCode::UNAUTHENTICATED, ""))
                .code(),
            absl::StatusCode::kUnauthenticated);
}

TEST(AddContext, PrefixesMessageAndKeepsMarks) {
  absl::Status s = AddContext(UsageError("bad"), "step");
  EXPECT_EQ(s.message(), "step: bad");
  EXPECT_TRUE(IsUsageError(s));
  EXPECT_TRUE(AddContext(absl::OkStatus(), "step").ok());
}

TEST(DescribeError, UnavailableNamesServerAndFlag) {
  std::string text = DescribeError(
      WithServer(absl::UnavailableError("failed to connect to all addresses"),
                 "127.0.0.1:1"));
  EXPECT_CONTAINS(text, "cannot reach the server at 127.0.0.1:1");
  EXPECT_CONTAINS(text, "is catalogd running?");
  EXPECT_CONTAINS(text, "--server");
  EXPECT_CONTAINS(text, "failed to connect to all addresses");
}

TEST(DescribeError, UnavailableWithoutServerStillHints) {
  EXPECT_CONTAINS(DescribeError(absl::UnavailableError("down")),
                  "cannot reach the server;");
}

TEST(DescribeError, ClosedConnectionPointsAtClientCertificate) {
  std::string text = DescribeError(WithServer(
      absl::UnavailableError("failed to connect to all addresses; last "
                             "error: UNAVAILABLE: ipv4:127.0.0.1:7443: "
                             "Socket closed"),
      "127.0.0.1:7443"));
  EXPECT_CONTAINS(text, "closed the connection");
  EXPECT_CONTAINS(text, "--cert/--key");
}

TEST(DescribeError, ConnectionLostMidCallSaysSo) {
  std::string text = DescribeError(
      WithServer(absl::UnavailableError("Socket closed"), "127.0.0.1:7443"));
  EXPECT_CONTAINS(text,
                  "the connection to the server at 127.0.0.1:7443 was "
                  "lost");
  EXPECT_LACKS(text, "--cert");
}

TEST(DescribeError, HandshakeFailurePointsAtCertificates) {
  std::string text = DescribeError(absl::UnavailableError("Handshake failed"));
  EXPECT_CONTAINS(text, "TLS handshake");
  EXPECT_CONTAINS(text, "--ca");
}

TEST(DescribeError, UnauthenticatedPointsAtCertificates) {
  EXPECT_CONTAINS(DescribeError(absl::UnauthenticatedError("no cert")),
                  "did not accept your client certificate; check "
                  "--cert/--key/--ca");
}

TEST(DescribeError, PermissionDeniedNamesPrincipal) {
  std::string text = DescribeError(
      absl::PermissionDeniedError("CN=viewer may not create datasets"));
  EXPECT_CONTAINS(text, "principal is not allowed");
  EXPECT_CONTAINS(text, "CN=viewer may not create datasets");
}

TEST(DescribeError, UndeclaredPurposeSaysSoInsteadOfBlamingTheRole) {
  std::string text = DescribeError(absl::PermissionDeniedError(
      "x-purpose: doelbinding: the stated purpose \"x\" is not a declared purpose of "
      "datasets/brp"));
  EXPECT_CONTAINS(text, "declared purposes");
  EXPECT_LACKS(text, "principal is not allowed");
  EXPECT_CONTAINS(text, "datasets/brp");
}

TEST(DescribeError, MissingPurposeMentionsFlagAndEnvironment) {
  std::string text = DescribeError(absl::FailedPreconditionError(
      "a purpose (x-purpose) is required to read personal data"));
  EXPECT_CONTAINS(text, "x-purpose");
  EXPECT_CONTAINS(text, "--purpose or CATALOG_PURPOSE");
}

TEST(DescribeError, OtherFailedPreconditionHasNoPurposeHint) {
  std::string text =
      DescribeError(absl::FailedPreconditionError("dataset is deleted"));
  EXPECT_LACKS(text, "--purpose");
  EXPECT_CONTAINS(text, "dataset is deleted");
}

TEST(DescribeError, DeadlineExceededSuggestsTimeout) {
  EXPECT_CONTAINS(
      DescribeError(absl::DeadlineExceededError("Deadline Exceeded")),
      "--timeout");
}

TEST(DescribeError, PlainErrorsShowCodeAndMessage) {
  EXPECT_EQ(DescribeError(absl::NotFoundError("dataset \"x\" not found")),
            "NOT_FOUND: dataset \"x\" not found");
  EXPECT_EQ(DescribeError(UsageError("--order: bad")), "--order: bad");
}

// ---- JSON input ----

TEST(ParseDatasetJson, AcceptsProto3Json) {
  v1::Dataset d;
  ASSERT_TRUE(
      ParseDatasetJson(R"({"id":"brp","title":"BRP","registrationType":)"
                       R"("REGISTRATION_TYPE_BASISREGISTRATIE"})",
                       "in.json", &d)
          .ok());
  EXPECT_EQ(d.id(), "brp");
  EXPECT_EQ(d.registration_type(), v1::REGISTRATION_TYPE_BASISREGISTRATIE);
}

TEST(ParseDatasetJson, UnknownFieldIsInvalidArgumentNamingSource) {
  v1::Dataset d;
  absl::Status s = ParseDatasetJson(R"({"titel":"x"})", "in.json", &d);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_CONTAINS(s.message(), "in.json");
  EXPECT_CONTAINS(s.message(), "titel");
}

TEST(ParseDatasetJson, SyntaxErrorIsOneLineWithColumn) {
  v1::Dataset d;
  absl::Status s =
      ParseDatasetJson(R"({"id": "x" "title": "y"})", "in.jsonl:7", &d);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_CONTAINS(s.message(), "in.jsonl:7: ");
  EXPECT_CONTAINS(s.message(), "column 12");
  EXPECT_LACKS(s.message(), "\n");
}

TEST(ParseDatasetJson, SyntaxErrorNamesTheTrueLineAndColumn) {
  v1::Dataset d;
  absl::Status s = ParseDatasetJson("{\"id\": \"x\",\n  \"title\": \"y\" \"z\"\n}",
                                    "in.json", &d);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_CONTAINS(s.message(), "in.json: not a valid Dataset: line 2, column 16: ");
  EXPECT_LACKS(s.message(), "\n");
}

TEST(ParseDatasetJson, UnexpectedEndNamesTheLastLine) {
  v1::Dataset d;
  absl::Status s = ParseDatasetJson("{\"id\": \"x\",\n  \"title\": \"y\",\n", "in.json", &d);
  EXPECT_CONTAINS(s.message(), "line 3, column 1: ");
}

TEST(ParseDatasetJson, UnknownEnumValueListsTheValidValuesAndItsPlace) {
  v1::Dataset d;
  absl::Status s = ParseDatasetJson(
      "{\"id\": \"x\",\n  \"classification\": {\"confidentiality\": \"GEHEIM_X\"}}",
      "in.json", &d);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_CONTAINS(s.message(), "line 2, column 41: classification.confidentiality: unknown "
                               "value \"GEHEIM_X\"; expected one of: CONFIDENTIALITY_OPENBAAR, "
                               "CONFIDENTIALITY_BEPERKT_OPENBAAR, CONFIDENTIALITY_INTERN, ");
  EXPECT_CONTAINS(s.message(), "CONFIDENTIALITY_ZEER_GEHEIM");
  EXPECT_LACKS(s.message(), "CONFIDENTIALITY_UNSPECIFIED");
  EXPECT_LACKS(s.message(), "type.googleapis.com");
}

TEST(ParseDatasetJson, UnknownEnumInARepeatedMessageOnAJsonlLineHasAColumn) {
  v1::Dataset d;
  absl::Status s = ParseDatasetJson(
      R"({"id":"x","schemaFields":[{"name":"a"},{"name":"b","confidentiality":"HEEL_GEHEIM"}]})",
      "in.jsonl:4", &d);
  EXPECT_CONTAINS(s.message(), "in.jsonl:4: not a valid Dataset: column 70: ");
  EXPECT_CONTAINS(s.message(), "unknown value \"HEEL_GEHEIM\"; expected one of: "
                               "CONFIDENTIALITY_OPENBAAR");
}

TEST(ParseDatasetJson, WrongTypeNamesFieldAndPlace) {
  v1::Dataset d;
  absl::Status s = ParseDatasetJson("{\"id\": \"x\",\n \"title\": 5}", "in.json", &d);
  EXPECT_CONTAINS(s.message(), "line 2, column 11: title: 5 is not a string");
}

TEST(ParseDatasetJson, UnknownFieldSuggestsTheClosestAndNamesItsPlace) {
  v1::Dataset d;
  absl::Status s = ParseDatasetJson("{\"id\": \"x\",\n  \"titel\": \"y\"}", "in.json", &d);
  EXPECT_CONTAINS(s.message(),
                  "line 2, column 3: unknown field \"titel\" (did you mean \"title\"?)");
  s = ParseDatasetJson(R"({"id":"x","hosting":{"insideEaa":true}})", "in.jsonl:2", &d);
  EXPECT_CONTAINS(s.message(), "column 22: unknown field \"hosting.insideEaa\" (did you mean "
                               "\"insideEea\"?)");
  s = ParseDatasetJson(R"({"zzzzzzzzzz":1})", "in.jsonl:2", &d);
  EXPECT_CONTAINS(s.message(), "column 2: unknown field \"zzzzzzzzzz\"");
  EXPECT_LACKS(s.message(), "did you mean");
}

TEST(ParseDatasetJson, EmptyInputIsInvalidArgument) {
  v1::Dataset d;
  EXPECT_EQ(ParseDatasetJson("  \n", "in.json", &d).code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(JsonlDatasetReader, SkipsBlankLinesAndNamesTheBadLine) {
  std::istringstream in(
      "{\"id\":\"a-one\"}\n"
      "\n"
      "   \n"
      "{\"id\":\"b-two\"}\n"
      "{\"id\": \n");
  JsonlDatasetReader reader(&in, "load.jsonl");
  v1::Dataset d;
  absl::StatusOr<bool> more = reader.Next(&d);
  ASSERT_TRUE(more.ok() && *more);
  EXPECT_EQ(d.id(), "a-one");
  more = reader.Next(&d);
  ASSERT_TRUE(more.ok() && *more);
  EXPECT_EQ(d.id(), "b-two");
  EXPECT_EQ(reader.line_number(), 4);
  more = reader.Next(&d);
  ASSERT_FALSE(more.ok());
  EXPECT_EQ(more.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_CONTAINS(more.status().message(), "load.jsonl:5:");
  more = reader.Next(&d);
  ASSERT_TRUE(more.ok());
  EXPECT_FALSE(*more);
}

TEST_F(ClientFilesTest, JsonlFileErrorNamesFileAndLine) {
  const std::string path =
      Write("in.jsonl", "{\"id\":\"a-one\"}\n{\"nope\":1}\n");
  absl::StatusOr<std::unique_ptr<JsonlDatasetReader>> reader =
      JsonlDatasetReader::Open(path);
  ASSERT_TRUE(reader.ok()) << reader.status();
  v1::Dataset d;
  ASSERT_TRUE((*reader)->Next(&d).ok());
  absl::StatusOr<bool> more = (*reader)->Next(&d);
  ASSERT_FALSE(more.ok());
  EXPECT_CONTAINS(more.status().message(), path + ":2:");
}

TEST_F(ClientFilesTest, ReadDatasetFileMissingIsNotFound) {
  absl::StatusOr<v1::Dataset> d = ReadDatasetFile(Path("missing.json"));
  EXPECT_EQ(d.status().code(), absl::StatusCode::kNotFound);
  EXPECT_CONTAINS(d.status().message(), "missing.json");
  EXPECT_EQ(ExitCodeFor(d.status()), kUsageExitCode)
      << "a missing local file is a usage error, not a dataset that was not found";
}

TEST_F(ClientFilesTest, ReadDatasetFileBadJsonNamesFile) {
  const std::string path = Write("bad.json", "{\"id\": ");
  absl::StatusOr<v1::Dataset> d = ReadDatasetFile(path);
  EXPECT_EQ(d.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_CONTAINS(d.status().message(), path);
}

// ---- Connect ----

TEST_F(ClientFilesTest, ConnectMissingCaIsNotFoundNamingFileAndFlag) {
  ConnectionOptions options;
  options.ca_file = Path("ca.pem");
  absl::Status s = Connect(options).status();
  EXPECT_EQ(s.code(), absl::StatusCode::kNotFound);
  EXPECT_CONTAINS(s.message(), options.ca_file);
  EXPECT_CONTAINS(s.message(), "--ca");
}

TEST_F(ClientFilesTest, ConnectMissingCertIsNotFoundNamingFileAndFlag) {
  ConnectionOptions options;
  options.ca_file = Write("ca.pem", kPem);
  options.cert_file = Path("client.pem");
  options.key_file = Write("client.key", kPem);
  absl::Status s = Connect(options).status();
  EXPECT_EQ(s.code(), absl::StatusCode::kNotFound);
  EXPECT_CONTAINS(s.message(), options.cert_file);
  EXPECT_CONTAINS(s.message(), "--cert");
}

TEST_F(ClientFilesTest, ConnectMissingKeyIsNotFoundNamingFileAndFlag) {
  ConnectionOptions options;
  options.cert_file = Write("client.pem", kPem);
  options.key_file = Path("client.key");
  absl::Status s = Connect(options).status();
  EXPECT_EQ(s.code(), absl::StatusCode::kNotFound);
  EXPECT_CONTAINS(s.message(), "--key");
}

TEST_F(ClientFilesTest, ConnectEmptyFileIsInvalidArgument) {
  ConnectionOptions options;
  options.ca_file = Write("ca.pem", "");
  absl::Status s = Connect(options).status();
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_CONTAINS(s.message(), "empty");
  EXPECT_CONTAINS(s.message(), "--ca");
}

TEST_F(ClientFilesTest, ConnectDirectoryOrNonPemIsInvalidArgument) {
  ConnectionOptions options;
  options.ca_file = dir_.string();
  EXPECT_EQ(Connect(options).status().code(),
            absl::StatusCode::kInvalidArgument);
  options.ca_file = Write("ca.pem", "not a certificate");
  EXPECT_EQ(Connect(options).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST_F(ClientFilesTest, ConnectCertWithoutKeyIsInvalidArgument) {
  ConnectionOptions options;
  options.cert_file = Write("client.pem", kPem);
  absl::Status s = Connect(options).status();
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_CONTAINS(s.message(), "--key");
  options.cert_file.clear();
  options.key_file = Write("client.key", kPem);
  EXPECT_EQ(Connect(options).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(Connect, NonAsciiPurposeIsInvalidArgument) {
  ConnectionOptions options;
  options.plaintext = true;
  options.purpose = "bezwaar \xc3\xa9\xc3\xa9n";
  EXPECT_EQ(Connect(options).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(Connect, PlaintextNeedsNoFiles) {
  ConnectionOptions options;
  options.plaintext = true;
  options.ca_file = "/nonexistent/ca.pem";
  EXPECT_TRUE(Connect(options).ok());
}

// ---- output ----

TEST(Truncate, CutsAtCodePointsWithEllipsis) {
  EXPECT_EQ(Truncate("kort", 40), "kort");
  EXPECT_EQ(Truncate("abcdefghij", 6), "abc...");
  // "é" is two bytes; it must not be cut in half.
  EXPECT_EQ(Truncate("\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9", 4),
            "\xc3\xa9...");
}

TEST(TextTable, AlignsColumnsByCodePoints) {
  TextTable table({"ID", "TITLE"});
  table.AddRow({"\xc3\xa9\xc3\xa9n", "x"});
  table.AddRow({"twee", "y"});
  EXPECT_EQ(table.Render(),
            "ID    TITLE\n"
            "\xc3\xa9\xc3\xa9n   x\n"
            "twee  y\n");
}

// Restores the default layout (no terminal, not wide) after a test.
class TableLayoutTest : public ::testing::Test {
 protected:
  void TearDown() override { SetTableLayout(false, 0); }
};

TEST_F(TableLayoutTest, LimitCutsFreeTextWithAnEllipsisUnlessWide) {
  TextTable table({"ID", "TITLE", "REV"});
  table.AddRow({"wmo-aanvragen", "Aanvragen maatwerkvoorzieningen Wmo 2015", "3"});
  table.Limit(1, 20);
  SetTableLayout(/*wide=*/false, 200);
  EXPECT_EQ(table.Render(),
            "ID             TITLE                 REV\n"
            "wmo-aanvragen  Aanvragen maatwer...  3\n");
  SetTableLayout(/*wide=*/true, 30);
  EXPECT_EQ(table.Render(),
            "ID             TITLE                                     REV\n"
            "wmo-aanvragen  Aanvragen maatwerkvoorzieningen Wmo 2015  3\n");
}

TEST_F(TableLayoutTest, FitsTheTerminalWidestColumnFirstNeverTheFirstColumn) {
  TextTable table({"ID", "TITLE", "OWNER"});
  table.AddRow({"bag-verblijfsobjecten-gemeente", "Verblijfsobjecten BAG",
                "Afdeling Vergunningen, Toezicht en Handhaving"});
  SetTableLayout(false, 70);
  const std::string out = table.Render();
  EXPECT_EQ(out,
            "ID                              TITLE               OWNER\n"
            "bag-verblijfsobjecten-gemeente  Verblijfsobject...  Afdeling Vergun...\n");
  for (absl::string_view line : absl::StrSplit(out, '\n', absl::SkipEmpty())) {
    EXPECT_LE(line.size(), 70u) << line;
  }
  // Too narrow for anything but the first column and the floors: the first
  // column stays whole, the others stop at their floor (8 or the header).
  SetTableLayout(false, 20);
  EXPECT_EQ(table.Render(),
            "ID                              TITLE     OWNER\n"
            "bag-verblijfsobjecten-gemeente  Verbl...  Afdel...\n");
}

TEST_F(TableLayoutTest, NoTerminalKeepsCellsWholeEvenWhereLimited) {
  TextTable table({"ID", "OWNER"});
  const std::string owner(200, 'x');
  table.AddRow({"a", owner});
  table.Limit(1, 20);
  EXPECT_EQ(table.Render(), "ID  OWNER\na   " + owner + "\n");
}

TEST(FormatDatasetTable, ShowsShortEnumsAndJaNee) {
  google::protobuf::RepeatedPtrField<v1::Dataset> datasets;
  v1::Dataset* d = datasets.Add();
  d->set_id("brp-ingezetenen");
  d->set_title("Basisregistratie Personen");
  d->set_domain("Burgerzaken");
  d->set_registration_type(v1::REGISTRATION_TYPE_BASISREGISTRATIE);
  d->mutable_hosting()->set_kind(v1::HOSTING_KIND_ON_PREMISES);
  d->mutable_classification()->set_confidentiality(
      v1::CONFIDENTIALITY_VERTROUWELIJK);
  d->mutable_personal_data()->set_contains_personal_data(true);
  d->set_revision(7);
  const std::string table = FormatDatasetTable(datasets);
  EXPECT_CONTAINS(table, "ID ");
  EXPECT_CONTAINS(table, "basisregistratie");
  EXPECT_CONTAINS(table, "on_premises");
  EXPECT_CONTAINS(table, "vertrouwelijk");
  EXPECT_CONTAINS(table, "ja");
  EXPECT_CONTAINS(table, "  7\n");
}

TEST(FormatDatasetDetail, MarksRedactedSchemaFields) {
  v1::Dataset d;
  d.set_id("brp-ingezetenen");
  v1::SchemaField* bsn = d.add_schema_fields();
  bsn->set_name("bsn");
  bsn->set_redacted(true);
  const std::string text = FormatDatasetDetail(d);
  EXPECT_CONTAINS(text, "id: brp-ingezetenen");
  EXPECT_CONTAINS(text, "[redacted]");
}

TEST(ToCompactJson, IsOneLineWithCamelCaseNames) {
  v1::Dataset d;
  d.set_id("brp");
  d.mutable_roles()->set_owner("Publiekszaken");
  absl::StatusOr<std::string> json = ToCompactJson(d);
  ASSERT_TRUE(json.ok());
  EXPECT_EQ(*json, R"({"id":"brp","roles":{"owner":"Publiekszaken"}})");
}

}  // namespace
}  // namespace catalog::client
