#include "server/core/rdf_document.h"

#include <nlohmann/json.hpp>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace catalog::server {
namespace {

struct Prefix {
  const char* name;
  const char* iri;
};

constexpr Prefix kPrefixes[] = {
    {"dcat", "http://www.w3.org/ns/dcat#"},  {"dct", "http://purl.org/dc/terms/"},
    {"foaf", "http://xmlns.com/foaf/0.1/"},  {"vcard", "http://www.w3.org/2006/vcard/ns#"},
    {"xsd", "http://www.w3.org/2001/XMLSchema#"},
};

// A Turtle string literal's body: \" \\ and the control characters
// escaped (UCHAR for those without a short escape).
std::string EscapeLiteral(const std::string& text) {
  std::string out;
  out.reserve(text.size() + 2);
  for (unsigned char c : text) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c < 0x20 || c == 0x7f) {
          out += absl::StrFormat("\\u%04X", c);
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  return out;
}

// An IRIREF: characters Turtle forbids inside <> become UCHAR escapes (the
// export only writes IRIs that api::IsPublishableUrl accepts, so this is a
// second line of defence).
std::string EscapeIri(const std::string& iri) {
  std::string out;
  for (unsigned char c : iri) {
    if (c <= 0x20 || absl::string_view("<>\"{}|^`\\").find(static_cast<char>(c)) !=
                         absl::string_view::npos) {
      out += absl::StrFormat("\\u%04X", c);
    } else {
      out += static_cast<char>(c);
    }
  }
  return out;
}

std::string TurtleTerm(const RdfTerm& term) {
  switch (term.kind) {
    case RdfTerm::Kind::kIri:
      return absl::StrCat("<", EscapeIri(term.value), ">");
    case RdfTerm::Kind::kBlank:
      return absl::StrCat("_:", term.value);
    case RdfTerm::Kind::kLiteral:
      break;
  }
  std::string out = absl::StrCat("\"", EscapeLiteral(term.value), "\"");
  if (!term.language.empty()) absl::StrAppend(&out, "@", term.language);
  if (!term.datatype.empty()) absl::StrAppend(&out, "^^", term.datatype);
  return out;
}

nlohmann::ordered_json JsonLdTerm(const RdfTerm& term) {
  switch (term.kind) {
    case RdfTerm::Kind::kIri:
      return {{"@id", term.value}};
    case RdfTerm::Kind::kBlank:
      return {{"@id", absl::StrCat("_:", term.value)}};
    case RdfTerm::Kind::kLiteral:
      break;
  }
  nlohmann::ordered_json value = {{"@value", term.value}};
  if (!term.language.empty()) value["@language"] = term.language;
  if (!term.datatype.empty()) value["@type"] = term.datatype;
  return value;
}

}  // namespace

void RdfDocument::Describe(RdfTerm subject, std::string type) {
  nodes_.push_back({std::move(subject), std::move(type), {}});
}

void RdfDocument::Add(std::string predicate, RdfTerm object) {
  nodes_.back().properties.emplace_back(std::move(predicate), std::move(object));
}

std::string RdfDocument::NewBlank() { return absl::StrCat("b", ++blanks_); }

std::string RdfDocument::Turtle() const {
  std::string out;
  for (const Prefix& prefix : kPrefixes) {
    absl::StrAppend(&out, "@prefix ", prefix.name, ": <", prefix.iri, "> .\n");
  }
  for (const Node& node : nodes_) {
    absl::StrAppend(&out, "\n", TurtleTerm(node.subject), " a ", node.type);
    for (const auto& [predicate, object] : node.properties) {
      absl::StrAppend(&out, " ;\n    ", predicate, " ", TurtleTerm(object));
    }
    out += " .\n";
  }
  return out;
}

std::string RdfDocument::JsonLd() const {
  nlohmann::ordered_json context = nlohmann::ordered_json::object();
  for (const Prefix& prefix : kPrefixes) context[prefix.name] = prefix.iri;
  nlohmann::ordered_json graph = nlohmann::ordered_json::array();
  for (const Node& node : nodes_) {
    nlohmann::ordered_json object = JsonLdTerm(node.subject);
    object["@type"] = node.type;
    for (const auto& [predicate, value] : node.properties) {
      object[predicate].push_back(JsonLdTerm(value));
    }
    graph.push_back(std::move(object));
  }
  nlohmann::ordered_json document = {{"@context", context}, {"@graph", graph}};
  return document.dump(2) + "\n";
}

}  // namespace catalog::server
