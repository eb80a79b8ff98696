// RdfDocument: a small RDF graph written as Turtle or as JSON-LD, for the
// DCAT-AP-NL export. Subjects are IRIs or blank nodes; objects IRIs, blank
// nodes or literals (with a language tag or a datatype). Predicates and
// types are compact IRIs over the prefixes below (dcat:, dct:, foaf:,
// vcard:, xsd:). Turtle is written subject by subject in the order they
// were added, with every literal and IRI escaped as the Turtle grammar
// requires; JSON-LD as a @graph of node objects with the same prefixes in
// its @context (nlohmann::json does the JSON escaping).
#ifndef CATALOG_SERVER_CORE_RDF_DOCUMENT_H_
#define CATALOG_SERVER_CORE_RDF_DOCUMENT_H_

#include <string>
#include <vector>

namespace catalog::server {

struct RdfTerm {
  enum class Kind { kIri, kBlank, kLiteral };
  Kind kind = Kind::kIri;
  std::string value;     // IRI, blank node label (without "_:") or text.
  std::string language;  // Literals: "nl"; empty for none.
  std::string datatype;  // Literals: a compact IRI ("xsd:dateTime"); empty: string.

  static RdfTerm Iri(std::string iri) { return {Kind::kIri, std::move(iri), "", ""}; }
  static RdfTerm Blank(std::string label) { return {Kind::kBlank, std::move(label), "", ""}; }
  static RdfTerm Text(std::string text, std::string language = "") {
    return {Kind::kLiteral, std::move(text), std::move(language), ""};
  }
  static RdfTerm Typed(std::string text, std::string datatype) {
    return {Kind::kLiteral, std::move(text), "", std::move(datatype)};
  }
};

class RdfDocument {
 public:
  // Starts the description of `subject` (an IRI or a blank node) with its
  // rdf:type `type` (a compact IRI); Add() then adds to it.
  void Describe(RdfTerm subject, std::string type);
  // A property of the subject described last.
  void Add(std::string predicate, RdfTerm object);
  // A fresh blank node label ("b1", "b2", ...).
  std::string NewBlank();

  std::string Turtle() const;
  std::string JsonLd() const;

 private:
  struct Node {
    RdfTerm subject;
    std::string type;
    std::vector<std::pair<std::string, RdfTerm>> properties;
  };
  std::vector<Node> nodes_;
  int blanks_ = 0;
};

}  // namespace catalog::server

#endif  // CATALOG_SERVER_CORE_RDF_DOCUMENT_H_
