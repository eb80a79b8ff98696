// Tests of the lineage parts of the client library that need no server:
// node arguments, the --map parser, the OpenLineage event file reader, DOT
// escaping, and the tree, DOT and impact output of hand-built responses.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "absl/strings/str_cat.h"

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_split.h"
#include "catalog/v1/lineage_service.pb.h"
#include "client/lib/json_input.h"
#include "client/lib/lineage_input.h"
#include "client/lib/lineage_output.h"
#include "tests/support/test_support.h"

namespace catalog::client {
namespace {

namespace v1 = ::catalog::v1;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

// The lines of `text` (without the final empty one).
std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines = absl::StrSplit(text, '\n');
  if (!lines.empty() && lines.back().empty()) lines.pop_back();
  return lines;
}

// The message of `status` as a std::string, for the string matchers.
std::string MessageOf(const absl::Status& status) {
  return std::string(status.message());
}

// ---- ParseLineageNode ----

TEST(ParseLineageNode, BareIdAndDatasetNameAreDatasets) {
  EXPECT_EQ(*ParseLineageNode("brp-ingezetenen", "TARGET"),
            "datasets/brp-ingezetenen");
  EXPECT_EQ(*ParseLineageNode("datasets/brp-ingezetenen", "TARGET"),
            "datasets/brp-ingezetenen");
}

TEST(ParseLineageNode, PartyNameIsKept) {
  EXPECT_EQ(*ParseLineageNode("parties/belastingdienst", "TARGET"),
            "parties/belastingdienst");
}

TEST(ParseLineageNode, BadNamesNameTheField) {
  for (const char* bad :
       {"parties/", "parties/a/b", "lineage/x", "Geen Id", "", "datasets/"}) {
    absl::StatusOr<std::string> node = ParseLineageNode(bad, "TARGET");
    ASSERT_FALSE(node.ok()) << bad;
    EXPECT_EQ(node.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(MessageOf(node.status()), HasSubstr("TARGET")) << bad;
  }
}

// ---- ParseColumnMapping ----

TEST(ParseColumnMapping, SourceAndTarget) {
  absl::StatusOr<v1::ColumnMapping> m = ParseColumnMapping("bsn=bsn");
  ASSERT_TRUE(m.ok()) << m.status();
  EXPECT_EQ(m->source_field(), "bsn");
  EXPECT_EQ(m->target_field(), "bsn");
  EXPECT_EQ(m->transformation(), "");
}

TEST(ParseColumnMapping, TransformationIsEverythingAfterTheFirstColon) {
  absl::StatusOr<v1::ColumnMapping> m =
      ParseColumnMapping(" geboortedatum = leeftijd : leeftijd op peildatum ");
  ASSERT_TRUE(m.ok()) << m.status();
  EXPECT_EQ(m->source_field(), "geboortedatum");
  EXPECT_EQ(m->target_field(), "leeftijd");
  EXPECT_EQ(m->transformation(), "leeftijd op peildatum");

  m = ParseColumnMapping("a=b:x = y: z");
  ASSERT_TRUE(m.ok()) << m.status();
  EXPECT_EQ(m->target_field(), "b");
  EXPECT_EQ(m->transformation(), "x = y: z");
}

TEST(ParseColumnMapping, EmptyTargetForDeliveries) {
  for (const char* text : {"bsn=", "bsn"}) {
    absl::StatusOr<v1::ColumnMapping> m = ParseColumnMapping(text);
    ASSERT_TRUE(m.ok()) << text << ": " << m.status();
    EXPECT_EQ(m->source_field(), "bsn");
    EXPECT_EQ(m->target_field(), "");
  }
  absl::StatusOr<v1::ColumnMapping> m = ParseColumnMapping("bsn=:gehasht");
  ASSERT_TRUE(m.ok()) << m.status();
  EXPECT_EQ(m->target_field(), "");
  EXPECT_EQ(m->transformation(), "gehasht");
}

TEST(ParseColumnMapping, RejectsMissingSourceAndSecondEquals) {
  for (const char* bad : {"", "=leeftijd", " = x", ":alleen", "a=b=c"}) {
    absl::StatusOr<v1::ColumnMapping> m = ParseColumnMapping(bad);
    ASSERT_FALSE(m.ok()) << bad;
    EXPECT_EQ(m.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(MessageOf(m.status()), HasSubstr("--map"));
    EXPECT_THAT(MessageOf(m.status()), HasSubstr("SOURCE_FIELD=TARGET_FIELD"));
  }
}

// ---- ParseOpenLineageEvents ----

TEST(ParseOpenLineageEvents, JsonlSkipsBlankLinesAndCompacts) {
  absl::StatusOr<std::vector<std::string>> events = ParseOpenLineageEvents(
      "{\"eventType\": \"START\", \"run\": {\"runId\": \"r1\"}}\n"
      "\n   \n"
      "{ \"eventType\" : \"COMPLETE\", \"z\": 1, \"a\": [1, 2] }\r\n",
      "events.jsonl");
  ASSERT_TRUE(events.ok()) << events.status();
  // Compact, in the order of the input (keys are not sorted).
  EXPECT_THAT(
      *events,
      ElementsAre("{\"eventType\":\"START\",\"run\":{\"runId\":\"r1\"}}",
                  "{\"eventType\":\"COMPLETE\",\"z\":1,\"a\":[1,2]}"));
}

TEST(ParseOpenLineageEvents, ArrayOfEvents) {
  absl::StatusOr<std::vector<std::string>> events = ParseOpenLineageEvents(
      "\n [\n  {\"eventType\": \"START\"},\n  {\"eventType\": \"FAIL\"}\n]\n",
      "events.json");
  ASSERT_TRUE(events.ok()) << events.status();
  EXPECT_THAT(*events, ElementsAre("{\"eventType\":\"START\"}",
                                   "{\"eventType\":\"FAIL\"}"));
}

TEST(ParseOpenLineageEvents, OneIndentedEvent) {
  absl::StatusOr<std::vector<std::string>> events = ParseOpenLineageEvents(
      "{\n  \"eventType\": \"COMPLETE\",\n  \"job\": {\"name\": \"j\"}\n}\n",
      "event.json");
  ASSERT_TRUE(events.ok()) << events.status();
  EXPECT_THAT(
      *events,
      ElementsAre("{\"eventType\":\"COMPLETE\",\"job\":{\"name\":\"j\"}}"));
}

TEST(ParseOpenLineageEvents, UnicodeIsKept) {
  absl::StatusOr<std::vector<std::string>> events =
      ParseOpenLineageEvents("{\"name\": \"cliënten één\"}\n", "e.jsonl");
  ASSERT_TRUE(events.ok()) << events.status();
  EXPECT_THAT(*events, ElementsAre("{\"name\":\"cliënten één\"}"));
}

TEST(ParseOpenLineageEvents, EmptyInputHasNoEvents) {
  for (const char* empty : {"", "\n\n", "  \n"}) {
    absl::StatusOr<std::vector<std::string>> events =
        ParseOpenLineageEvents(empty, "e.jsonl");
    ASSERT_TRUE(events.ok()) << events.status();
    EXPECT_TRUE(events->empty());
  }
}

TEST(ParseOpenLineageEvents, MalformedLineNamesItsNumber) {
  absl::StatusOr<std::vector<std::string>> events = ParseOpenLineageEvents(
      "{\"eventType\": \"START\"}\n\n{\"eventType\": \"COMPLETE\",}\n"
      "{\"eventType\": \"FAIL\"}\n",
      "run.jsonl");
  ASSERT_FALSE(events.ok());
  EXPECT_EQ(events.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(MessageOf(events.status()), StartsWith("run.jsonl:3: "));
  EXPECT_THAT(MessageOf(events.status()), HasSubstr("not valid JSON"));
  EXPECT_THAT(MessageOf(events.status()), HasSubstr("column"));
  EXPECT_THAT(MessageOf(events.status()), Not(HasSubstr("json.exception")));
}

TEST(ParseOpenLineageEvents, MalformedFirstLineNamesLineOne) {
  absl::StatusOr<std::vector<std::string>> events =
      ParseOpenLineageEvents("{\"eventType\": START}\n{\"a\": 1}\n", "r.jsonl");
  ASSERT_FALSE(events.ok());
  EXPECT_THAT(MessageOf(events.status()), StartsWith("r.jsonl:1: "));
}

TEST(ParseOpenLineageEvents, LineThatIsNotAnObject) {
  absl::StatusOr<std::vector<std::string>> events =
      ParseOpenLineageEvents("{\"a\": 1}\n\"START\"\n", "r.jsonl");
  ASSERT_FALSE(events.ok());
  EXPECT_THAT(MessageOf(events.status()), StartsWith("r.jsonl:2: "));
  EXPECT_THAT(MessageOf(events.status()), HasSubstr("JSON object"));
}

TEST(ParseOpenLineageEvents, BadArrayAndBadElement) {
  absl::StatusOr<std::vector<std::string>> events =
      ParseOpenLineageEvents("[{\"a\": 1},\n 7]", "a.json");
  ASSERT_FALSE(events.ok());
  EXPECT_THAT(MessageOf(events.status()), HasSubstr("element 2"));
  EXPECT_THAT(MessageOf(events.status()), HasSubstr("JSON object"));

  events = ParseOpenLineageEvents("[{\"a\": 1},\n {\"b\": }]", "a.json");
  ASSERT_FALSE(events.ok());
  EXPECT_THAT(MessageOf(events.status()), StartsWith("a.json: not valid JSON"));
  EXPECT_THAT(MessageOf(events.status()), HasSubstr("line 2"));
}

TEST(ParseOpenLineageEvents, ReadsTheSharedFixture) {
  const std::string path = catalog::testing::FixturesDir() +
                           "/openlineage/municipal_run_events.jsonl";
  absl::StatusOr<std::string> content = ReadInput(path);
  // The fixture is checked in: missing, the suite is broken, not optional.
  ASSERT_TRUE(content.ok()) << content.status();
  absl::StatusOr<std::vector<std::string>> events =
      ParseOpenLineageEvents(*content, path);
  ASSERT_TRUE(events.ok()) << events.status();
  ASSERT_EQ(events->size(), 4u);
  for (const std::string& event : *events) {
    EXPECT_THAT(event, StartsWith("{\"eventType\":"));
    EXPECT_THAT(event, Not(HasSubstr("\n")));
    EXPECT_THAT(event, Not(HasSubstr("\", \"")));  // Compacted.
  }
}

// ---- DOT ----

TEST(DotEscape, QuotesBackslashesAndNewlines) {
  EXPECT_EQ(DotEscape("plain"), "plain");
  EXPECT_EQ(DotEscape("a \"b\""), "a \\\"b\\\"");
  EXPECT_EQ(DotEscape("C:\\data\\x"), "C:\\\\data\\\\x");
  // A trailing backslash must not escape the closing quote.
  EXPECT_EQ(DotEscape("end\\"), "end\\\\");
  EXPECT_EQ(DotEscape("two\nlines"), "two\\nlines");
  EXPECT_EQ(DotEscape("tab\there\x01"), "tab here ");
  EXPECT_EQ(DotEscape("Wmo cliënten"), "Wmo cliënten");
  // Record and HTML syntax has no meaning in a quoted string.
  EXPECT_EQ(DotEscape("<b>{x|y}</b>"), "<b>{x|y}</b>");
}

// ---- Traversals ----

v1::LineageNode* AddNode(v1::GetLineageResponse* lineage,
                         const std::string& name, int depth,
                         const std::string& title) {
  v1::LineageNode* node = lineage->add_nodes();
  node->set_name(name);
  node->set_depth(depth);
  node->set_title(title);
  return node;
}

void AddEdge(v1::GetLineageResponse* lineage, const std::string& source,
             const std::string& target, v1::LineageRelation relation,
             const std::string& process = "") {
  v1::LineageEdge* edge = lineage->add_edges();
  edge->set_source(source);
  edge->set_target(target);
  edge->set_relation(relation);
  edge->set_process(process);
}

// Upstream of the root a source and a hidden dataset; downstream a
// diamond (root -> b -> d, root -> c -> d) and a delivery b -> party.
v1::GetLineageResponse SampleLineage() {
  v1::GetLineageResponse lineage;
  AddNode(&lineage, "datasets/root", 0, "Wmo cliënten");
  AddNode(&lineage, "datasets/bron", 1, "BRP ingezetenen");
  v1::LineageNode* hidden = AddNode(&lineage, "hidden/1", 1, "");
  hidden->set_hidden(true);
  AddNode(&lineage, "datasets/b", 1, "Maandcijfers \"Wmo\"");
  AddNode(&lineage, "datasets/c", 1, "");
  AddNode(&lineage, "datasets/d", 2, "Dashboard");
  v1::LineageNode* party = AddNode(&lineage, "parties/cbs", 2, "CBS");
  party->set_party_kind(v1::PARTY_KIND_CBS);
  party->set_more_beyond_depth(true);
  AddEdge(&lineage, "datasets/bron", "datasets/root",
          v1::LINEAGE_RELATION_SOURCE, "StUF-BG");
  AddEdge(&lineage, "hidden/1", "datasets/root", v1::LINEAGE_RELATION_DERIVED);
  AddEdge(&lineage, "datasets/root", "datasets/b",
          v1::LINEAGE_RELATION_DERIVED);
  AddEdge(&lineage, "datasets/root", "datasets/c",
          v1::LINEAGE_RELATION_DERIVED);
  // Listed before b -> d on purpose: the tree still hangs d under b, the
  // node reached first.
  AddEdge(&lineage, "datasets/c", "datasets/d", v1::LINEAGE_RELATION_SOURCE);
  AddEdge(&lineage, "datasets/b", "datasets/d", v1::LINEAGE_RELATION_DERIVED);
  AddEdge(&lineage, "datasets/b", "parties/cbs", v1::LINEAGE_RELATION_DELIVERY,
          "SFTP");
  return lineage;
}

TEST(FormatLineageTree, RootFirstChildrenIndentedUnderTheirParent) {
  const std::vector<std::string> lines =
      Lines(FormatLineageTree(SampleLineage()));
  ASSERT_GE(lines.size(), 8u);
  // The tree is of names (as commands accept them); titles beside them.
  EXPECT_THAT(lines[0], StartsWith("NODE "));
  EXPECT_THAT(lines[0], HasSubstr(" TITLE "));
  EXPECT_THAT(lines[0], HasSubstr("RELATION"));
  EXPECT_THAT(lines[0], HasSubstr("NOTES"));
  EXPECT_THAT(lines[1], StartsWith("datasets/root "));
  EXPECT_THAT(lines[1], HasSubstr(" Wmo cliënten "));
  EXPECT_THAT(lines[2], StartsWith("  <- datasets/bron "));
  EXPECT_THAT(lines[2], HasSubstr(" BRP ingezetenen "));
  EXPECT_THAT(lines[2], HasSubstr(" source "));
  EXPECT_THAT(lines[3], StartsWith("  <- hidden/1 "));
  EXPECT_THAT(lines[3], HasSubstr(" hidden (above your clearance) "));
  EXPECT_THAT(lines[4], StartsWith("  -> datasets/b "));
  EXPECT_THAT(lines[4], HasSubstr(" Maandcijfers \"Wmo\" "));
  EXPECT_THAT(lines[5], StartsWith("    -> datasets/d "));
  EXPECT_THAT(lines[5], HasSubstr(" Dashboard "));
  EXPECT_THAT(lines[5], HasSubstr(" derived "));
  EXPECT_THAT(lines[5], HasSubstr(" 2"));
  EXPECT_THAT(lines[6], StartsWith("    -> parties/cbs "));
  EXPECT_THAT(lines[6], HasSubstr(" CBS "));
  EXPECT_THAT(lines[6], HasSubstr(" delivery "));
  EXPECT_THAT(lines[6], HasSubstr("more beyond depth"));
  // A node without a title is titled by its name.
  EXPECT_THAT(lines[7], StartsWith("  -> datasets/c  "));
  // The edge c -> d is not in the tree: listed after it.
  const std::string text = FormatLineageTree(SampleLineage());
  EXPECT_THAT(text, HasSubstr("Other edges between these nodes:\n"));
  EXPECT_THAT(text, HasSubstr("  datasets/c  datasets/d  source\n"));
  EXPECT_EQ(lines.back(),
            "7 nodes around datasets/root, depth 2 reached, more beyond that depth (raise "
            "--depth)");
  EXPECT_THAT(text, Not(HasSubstr("truncated")));
}

// Downstream of the root: the upstream nodes and edges of the response are
// not rows, and no node hangs under another against the flow.
TEST(FormatLineageTree, DownstreamTreeHasOnlyDownstreamRows) {
  v1::GetLineageResponse lineage;
  AddNode(&lineage, "datasets/brp", 0, "BRP");
  AddNode(&lineage, "datasets/wmo", 1, "Wmo");
  AddNode(&lineage, "parties/centric", 1, "Centric");
  AddNode(&lineage, "datasets/schuld", 2, "Schuldhulp");
  AddEdge(&lineage, "datasets/brp", "datasets/wmo", v1::LINEAGE_RELATION_DERIVED);
  AddEdge(&lineage, "datasets/brp", "parties/centric", v1::LINEAGE_RELATION_DELIVERY);
  // Listed first: schuld delivers to centric too, but it is reached from wmo.
  AddEdge(&lineage, "datasets/schuld", "parties/centric", v1::LINEAGE_RELATION_DELIVERY);
  AddEdge(&lineage, "datasets/wmo", "datasets/schuld", v1::LINEAGE_RELATION_SOURCE);
  const std::string text = FormatLineageTree(lineage, v1::LINEAGE_DIRECTION_DOWNSTREAM);
  EXPECT_EQ(text,
            "NODE                    TITLE       RELATION  DEPTH\n"
            "datasets/brp            BRP         -         0\n"
            "  -> datasets/wmo       Wmo         derived   1\n"
            "    -> datasets/schuld  Schuldhulp  source    2\n"
            "  -> parties/centric    Centric     delivery  1\n"
            "\n"
            "Other edges between these nodes:\n"
            "  SOURCE           TARGET           RELATION\n"
            "  datasets/schuld  parties/centric  delivery\n"
            "\n"
            "4 nodes downstream of datasets/brp, depth 2 reached, complete\n");
  EXPECT_THAT(text, Not(HasSubstr("<-")));
}

TEST(FormatLineageTree, OnlyTheRootSaysThereIsNothingInThatDirection) {
  v1::GetLineageResponse lineage;
  AddNode(&lineage, "datasets/brp", 0, "BRP");
  EXPECT_EQ(FormatLineageTree(lineage, v1::LINEAGE_DIRECTION_UPSTREAM),
            "datasets/brp has no recorded sources (nothing upstream); record one with "
            "'catalogctl lineage add SOURCE brp --relation source'\n");
  EXPECT_EQ(FormatLineageTree(lineage, v1::LINEAGE_DIRECTION_DOWNSTREAM),
            "nothing downstream of datasets/brp: no dataset is made from it and it is "
            "delivered to no party (see its sources with --up)\n");
  EXPECT_EQ(FormatLineageTree(lineage, v1::LINEAGE_DIRECTION_BOTH),
            "datasets/brp has no recorded lineage, upstream or downstream\n");
  EXPECT_EQ(FormatLineageTree(v1::GetLineageResponse()), "no lineage\n");
}

TEST(FormatLineageTree, ALongTreeSaysHowToNarrowIt) {
  v1::GetLineageResponse lineage;
  AddNode(&lineage, "datasets/root", 0, "Bron");
  for (int i = 0; i < 45; ++i) {
    const std::string name = absl::StrCat("datasets/d", i);
    AddNode(&lineage, name, 1, "Doel");
    AddEdge(&lineage, "datasets/root", name, v1::LINEAGE_RELATION_DERIVED);
  }
  const std::vector<std::string> lines =
      Lines(FormatLineageTree(lineage, v1::LINEAGE_DIRECTION_DOWNSTREAM));
  EXPECT_EQ(lines[lines.size() - 2],
            "46 nodes downstream of datasets/root, depth 1 reached, complete");
  EXPECT_EQ(lines.back(),
            "a long tree: narrow it with --depth N, follow one field with --field NAME, or "
            "draw it with --format dot");
}

TEST(FormatLineageTree, ColumnsLineUp) {
  const std::vector<std::string> lines =
      Lines(FormatLineageTree(SampleLineage()));
  const size_t title_column = lines[0].find("TITLE");
  ASSERT_NE(title_column, std::string::npos);
  // Byte offsets equal display offsets on these ASCII rows.
  EXPECT_EQ(lines[2].find("BRP ingezetenen"), title_column);
  EXPECT_EQ(lines[5].find("Dashboard"), title_column);
}

TEST(FormatLineageTree, TruncatedSaysWhy) {
  v1::GetLineageResponse lineage = SampleLineage();
  lineage.set_truncated(true);
  lineage.set_truncation_reason(v1::TRUNCATION_REASON_NODE_BUDGET);
  const std::vector<std::string> lines = Lines(FormatLineageTree(lineage));
  EXPECT_EQ(lines[lines.size() - 2], "7 nodes around datasets/root, depth 2 reached, truncated");
  EXPECT_THAT(lines.back(), StartsWith("truncated: "));
  EXPECT_THAT(lines.back(), HasSubstr("node budget"));
  EXPECT_THAT(lines.back(), HasSubstr("--budget"));
}

TEST(FormatLineageTree, NoNotesColumnWithoutNotes) {
  v1::GetLineageResponse lineage;
  AddNode(&lineage, "datasets/root", 0, "Alleen");
  AddNode(&lineage, "datasets/doel", 1, "Doel");
  AddEdge(&lineage, "datasets/root", "datasets/doel", v1::LINEAGE_RELATION_DERIVED);
  EXPECT_EQ(FormatLineageTree(lineage),
            "NODE                TITLE   RELATION  DEPTH\n"
            "datasets/root       Alleen  -         0\n"
            "  -> datasets/doel  Doel    derived   1\n"
            "\n"
            "2 nodes around datasets/root, depth 1 reached, complete\n");
}

TEST(FormatLineageTree, FieldsOfColumnLevelMode) {
  v1::GetLineageResponse lineage;
  AddNode(&lineage, "datasets/root", 0, "Bron")->add_fields("geboortedatum");
  v1::LineageNode* d = AddNode(&lineage, "datasets/doel", 1, "Doel");
  d->add_fields("leeftijd");
  d->add_fields("leeftijdsklasse");
  AddEdge(&lineage, "datasets/root", "datasets/doel",
          v1::LINEAGE_RELATION_DERIVED);
  EXPECT_THAT(FormatLineageTree(lineage),
              HasSubstr("fields: leeftijd, leeftijdsklasse"));
}

TEST(FormatLineageTree, NodeWithoutEdgeStillShown) {
  v1::GetLineageResponse lineage;
  AddNode(&lineage, "datasets/root", 0, "Bron");
  AddNode(&lineage, "datasets/wees", 1, "Wees");
  EXPECT_THAT(FormatLineageTree(lineage), HasSubstr("  ?? datasets/wees "));
}

TEST(FormatLineageDot, DigraphWithShapesColoursAndEscapedLabels) {
  const std::string dot = FormatLineageDot(SampleLineage());
  EXPECT_THAT(dot, StartsWith("digraph lineage {\n"));
  EXPECT_THAT(dot, HasSubstr("\n}\n"));
  EXPECT_THAT(dot, HasSubstr("\"datasets/root\" [label=\"Wmo cliënten\", "
                             "penwidth=2];"));
  EXPECT_THAT(dot, HasSubstr("\"datasets/b\" [label=\"Maandcijfers "
                             "\\\"Wmo\\\"\"];"));
  EXPECT_THAT(dot, HasSubstr("\"parties/cbs\" [label=\"CBS\", shape=ellipse]"));
  EXPECT_THAT(dot, HasSubstr("\"hidden/1\" [label=\"hidden (above your "
                             "clearance)\", style=\"rounded,filled\", "
                             "fillcolor=lightgrey"));
  EXPECT_THAT(dot, HasSubstr("\"datasets/b\" -> \"parties/cbs\" "
                             "[label=\"delivery\\nSFTP\"];"));
  EXPECT_THAT(dot, HasSubstr("\"hidden/1\" -> \"datasets/root\" "
                             "[label=\"derived\", color=grey"));
  EXPECT_THAT(dot, Not(HasSubstr("labelloc")));
  // Every quote in the output is either escaped or balanced per line.
  for (const std::string& line : Lines(dot)) {
    int unescaped = 0;
    for (size_t i = 0; i < line.size(); ++i) {
      if (line[i] == '\\') {
        ++i;
      } else if (line[i] == '"') {
        ++unescaped;
      }
    }
    EXPECT_EQ(unescaped % 2, 0) << line;
  }
}

TEST(FormatLineageDot, TruncatedInTheGraphLabel) {
  v1::GetLineageResponse lineage = SampleLineage();
  lineage.set_truncated(true);
  lineage.set_truncation_reason(v1::TRUNCATION_REASON_NODE_BUDGET);
  const std::string dot = FormatLineageDot(lineage);
  EXPECT_THAT(dot, HasSubstr("  labelloc=b;\n  label=\"truncated: "));
  EXPECT_THAT(dot, HasSubstr("--depth)\";\n}\n"));
}

// ---- Impact, findings, intake ----

TEST(FormatImpact, CountsLevelsAndDeliveries) {
  v1::AnalyzeImpactResponse impact;
  impact.mutable_root()->set_name("datasets/brp");
  impact.mutable_root()->set_title("BRP ingezetenen");
  impact.set_datasets(3);
  impact.set_hidden_datasets(1);
  impact.set_personal_data_datasets(2);
  impact.set_highest_confidentiality(v1::CONFIDENTIALITY_VERTROUWELIJK);
  impact.set_parties(1);
  v1::ImpactLevel* one = impact.add_levels();
  one->set_depth(1);
  v1::LineageNode* wmo = one->add_datasets();
  wmo->set_name("datasets/wmo");
  wmo->set_title("Wmo cliënten");
  wmo->set_confidentiality(v1::CONFIDENTIALITY_VERTROUWELIJK);
  wmo->set_contains_personal_data(true);
  one->set_hidden_datasets(1);
  v1::ImpactLevel* two = impact.add_levels();
  two->set_depth(2);
  v1::LineageNode* cbs = two->add_parties();
  cbs->set_name("parties/cbs");
  cbs->set_title("Centraal Bureau voor de Statistiek");
  cbs->set_party_kind(v1::PARTY_KIND_CBS);
  v1::LineageEdge* delivery = impact.add_deliveries();
  delivery->set_source("datasets/wmo");
  delivery->set_target("parties/cbs");
  delivery->set_purpose("statistiek");
  delivery->set_legal_basis(v1::LEGAL_BASIS_WETTELIJKE_VERPLICHTING);
  delivery->set_legal_basis_explanation("Wet op het CBS art. 33");

  const std::string text = FormatImpact(impact);
  EXPECT_THAT(text, StartsWith("Impact of BRP ingezetenen (datasets/brp)\n"));
  EXPECT_THAT(text, HasSubstr("datasets downstream:           3\n"));
  EXPECT_THAT(text, HasSubstr("hidden (above your clearance): 1\n"));
  EXPECT_THAT(text, HasSubstr("with personal data:            2\n"));
  EXPECT_THAT(text,
              HasSubstr("highest confidentiality:       vertrouwelijk\n"));
  EXPECT_THAT(text, HasSubstr("external parties:              1\n"));
  EXPECT_THAT(text, HasSubstr("Depth 1: 1 dataset, 1 hidden, 0 parties\n"));
  EXPECT_THAT(text, HasSubstr("Depth 2: 0 datasets, 0 hidden, 1 party\n"));
  EXPECT_THAT(text, HasSubstr("datasets/wmo  Wmo cliënten"));
  EXPECT_THAT(text,
              HasSubstr("parties/cbs  Centraal Bureau voor de Statistiek"));
  EXPECT_THAT(text, HasSubstr("Deliveries to external parties (1):\n"));
  EXPECT_THAT(text, HasSubstr("statistiek"));
  EXPECT_THAT(text, HasSubstr("wettelijke_verplichting"));
  EXPECT_THAT(text, Not(HasSubstr("truncated")));
}

TEST(FormatFindingTable, DetailIsFieldsOrClassifications) {
  google::protobuf::RepeatedPtrField<v1::LineageFinding> findings;
  v1::LineageFinding* below = findings.Add();
  below->set_rule(v1::LINEAGE_FINDING_RULE_CLASSIFICATION_BELOW_SOURCE);
  below->set_severity(v1::SEVERITY_HIGH);
  below->set_source("datasets/brp");
  below->set_target("datasets/export");
  below->set_source_confidentiality(v1::CONFIDENTIALITY_VERTROUWELIJK);
  below->set_target_confidentiality(v1::CONFIDENTIALITY_INTERN);
  below->set_message("export is lager geclassificeerd dan zijn bron");
  v1::LineageFinding* personal = findings.Add();
  personal->set_rule(v1::LINEAGE_FINDING_RULE_PERSONAL_DATA_NOT_MARKED);
  personal->set_severity(v1::SEVERITY_MEDIUM);
  personal->set_source_field("bsn");
  personal->set_target_field("klantnummer");
  v1::LineageFinding* later = findings.Add();
  *later = *below;
  later->set_target("datasets/export-2");
  // Listed medium first; shown highest first, without the messages, each
  // rule's advice once.
  std::swap(*findings.Mutable(0), *findings.Mutable(1));
  EXPECT_EQ(FormatFindingTable(findings),
            "SEVERITY  RULE                         TARGET             SOURCE        DETAIL\n"
            "high      classification_below_source  datasets/export    datasets/brp  "
            "vertrouwelijk -> intern\n"
            "high      classification_below_source  datasets/export-2  datasets/brp  "
            "vertrouwelijk -> intern\n"
            "medium    personal_data_not_marked     -                  -             "
            "bsn -> klantnummer\n"
            "\n"
            "3 findings: 2 high, 1 medium\n"
            "classification_below_source: classify the target at least as confidential as its "
            "source, or record why it holds less\n"
            "personal_data_not_marked: mark the target (field) as personal data, or correct "
            "the column mapping\n");
  EXPECT_EQ(FormatFindingTable({}), "no findings\n");
}

TEST(FormatIngestResult, CountsAndCreatedDatasets) {
  v1::IngestOpenLineageResponse result;
  result.set_events(4);
  result.add_datasets_created("dwh-brp-ingezetenen");
  result.add_datasets_created("dwh-wmo-aanvragen");
  result.set_edges_created(3);
  result.set_edges_updated(1);
  result.set_revision(42);
  EXPECT_EQ(FormatIngestResult(result),
            "events accepted:  4\n"
            "datasets created: 2\n"
            "                  dwh-brp-ingezetenen\n"
            "                  dwh-wmo-aanvragen\n"
            "edges created:    3\n"
            "edges updated:    1\n"
            "revision:         42\n");
}

TEST(FormatEdgeDetail, FieldsRunAndMappings) {
  v1::LineageEdge edge;
  edge.set_name("lineage/brp/datasets/wmo");
  edge.set_source("datasets/brp");
  edge.set_target("datasets/wmo");
  edge.set_relation(v1::LINEAGE_RELATION_DERIVED);
  edge.set_frequency(v1::UPDATE_FREQUENCY_DAILY);
  edge.mutable_last_run()->set_job_name("sociaal_domein.build_wmo_clienten");
  edge.mutable_last_run()->set_state(v1::RUN_STATE_FAIL);
  v1::ColumnMapping* m = edge.add_column_mappings();
  m->set_source_field("geboortedatum");
  m->set_target_field("leeftijd");
  m->set_transformation("leeftijd op peildatum");
  const std::string text = FormatEdgeDetail(edge);
  EXPECT_THAT(text, HasSubstr("relation:  derived\n"));
  EXPECT_THAT(text, HasSubstr("frequency: daily\n"));
  EXPECT_THAT(text, HasSubstr("Last run:\n"));
  EXPECT_THAT(text, HasSubstr("  state: fail\n"));
  EXPECT_THAT(text, HasSubstr("Column mappings (1):\n"));
  EXPECT_THAT(text, HasSubstr("geboortedatum  leeftijd      leeftijd op "
                              "peildatum\n"));
}

}  // namespace
}  // namespace catalog::client
