#include "server/search/search_terms.h"

#include "absl/strings/str_cat.h"
#include "api/resource_names.h"
#include "server/search/text_fold.h"

namespace catalog::search {
namespace {

namespace v1 = catalog::v1;

// Xapian's glass term limit is 245 bytes.
constexpr size_t kMaxTermBytes = 240;

// Indexes one text field (see search_terms.h for the rules).
class FieldIndexer {
 public:
  explicit FieldIndexer(Xapian::Document* doc) {
    dutch_.set_stemmer(Xapian::Stem("dutch"));
    dutch_.set_stemming_strategy(Xapian::TermGenerator::STEM_SOME);
    dutch_.set_document(*doc);
    english_.set_stemmer(Xapian::Stem("english"));
    english_.set_stemming_strategy(Xapian::TermGenerator::STEM_ALL_Z);
    english_.set_document(*doc);
  }

  void Add(const char* prefix, absl::string_view text, Xapian::termcount wdf = 1) {
    if (text.empty()) return;
    const std::string folded = FoldText(text);
    const std::string english_prefix = absl::StrCat(kEnglishPrefix, prefix);
    dutch_.index_text(folded, wdf, prefix);
    dutch_.index_text(folded, wdf);
    english_.index_text(folded, wdf, english_prefix);
    english_.index_text(folded, wdf, std::string(kEnglishPrefix));
    // Separate values of one field (tags, schema fields) and the fields
    // from one another, so that a phrase does not run across them.
    dutch_.increase_termpos(100);
    english_.increase_termpos(100);
  }

 private:
  Xapian::TermGenerator dutch_;
  Xapian::TermGenerator english_;
};

std::string EnumValue(const google::protobuf::EnumDescriptor* descriptor, int number) {
  if (number == 0) return {};  // Unspecified: not counted in facets.
  const google::protobuf::EnumValueDescriptor* value = descriptor->FindValueByNumber(number);
  return value == nullptr ? absl::StrCat(number) : value->name();
}

}  // namespace

const std::vector<TextField>& TextFields() {
  // The Dataset message has no alternative titles yet; when it gets them,
  // they go here as {"alt", "XA", "alternative_titles"}.
  static const std::vector<TextField> kFields = {
      {"id", "XID", "id"},
      {"title", "S", "title"},
      {"description", "XD", "description"},
      {"tag", "K", "tags"},
      {"object", "XB", "business_objects"},
      {"field", "XF", "schema_fields.name"},
      {"fielddesc", "XFD", "schema_fields.description"},
      {"owner", "XO", "roles.owner"},
      {"steward", "XS", "roles.steward"},
      {"system", "XSY", "system"},
      {"supplier", "XSU", "supplier"},
      {"provider", "XP", "hosting.provider"},
  };
  return kFields;
}

std::string BooleanTerm(absl::string_view prefix, absl::string_view value) {
  std::string term = absl::StrCat(prefix, value);
  if (term.size() > kMaxTermBytes) term.resize(kMaxTermBytes);
  return term;
}

std::string BoolValue(bool value) { return value ? "true" : "false"; }

Xapian::Document BuildDocument(const v1::Dataset& dataset, const DocumentExtras& extras) {
  Xapian::Document doc;
  const std::string name = api::DatasetName(dataset.id());
  doc.set_data(name);

  // Text fields, in TextFields() order of prefixes.
  FieldIndexer text(&doc);
  text.Add("XID", dataset.id(), kStrongWdf);
  text.Add("S", dataset.title(), kStrongWdf);
  text.Add("XD", dataset.description());
  for (const std::string& tag : dataset.tags()) text.Add("K", tag);
  for (const std::string& object : dataset.business_objects()) text.Add("XB", object);
  for (const v1::SchemaField& field : dataset.schema_fields()) {
    text.Add("XF", field.name());
    text.Add("XFD", field.description());
  }
  text.Add("XO", dataset.roles().owner());
  text.Add("XS", dataset.roles().steward());
  text.Add("XSY", dataset.system());
  text.Add("XSU", dataset.supplier());
  text.Add("XP", dataset.hosting().provider());

  // Boolean terms.
  doc.add_boolean_term(BooleanTerm(kUniquePrefix, name));
  doc.add_boolean_term(BooleanTerm(kKindPrefix, kDatasetKind));
  doc.add_boolean_term(BooleanTerm(kWholeTitlePrefix, NormalizeWhole(dataset.title())));
  doc.add_boolean_term(BooleanTerm(kConfidentialityPrefix,
                                   absl::StrCat(dataset.classification().confidentiality())));
  if (!dataset.domain().empty()) doc.add_boolean_term(BooleanTerm(kFilterDomain, dataset.domain()));
  doc.add_boolean_term(BooleanTerm(kFilterRegistrationType, absl::StrCat(dataset.registration_type())));
  doc.add_boolean_term(BooleanTerm(kFilterBasisregistratie, absl::StrCat(dataset.basisregistratie())));
  doc.add_boolean_term(BooleanTerm(kFilterHostingKind, absl::StrCat(dataset.hosting().kind())));
  if (!dataset.hosting().provider().empty()) {
    doc.add_boolean_term(BooleanTerm(kFilterProvider, dataset.hosting().provider()));
  }
  // As DatasetFilter: a dataset without a hosting kind is neither inside
  // nor outside the EEA.
  if (dataset.hosting().kind() != v1::HOSTING_KIND_UNSPECIFIED) {
    doc.add_boolean_term(BooleanTerm(kFilterInsideEea, BoolValue(dataset.hosting().inside_eea())));
  }
  if (!dataset.roles().owner().empty()) {
    doc.add_boolean_term(BooleanTerm(kFilterOwner, dataset.roles().owner()));
  }
  for (const std::string& tag : dataset.tags()) doc.add_boolean_term(BooleanTerm(kFilterTag, tag));
  const bool personal = dataset.personal_data().contains_personal_data();
  doc.add_boolean_term(BooleanTerm(kFilterPersonalData, BoolValue(personal)));
  doc.add_boolean_term(BooleanTerm(kFilterStatus, absl::StrCat(dataset.status())));
  doc.add_boolean_term(BooleanTerm(kFilterQuality, BoolValue(extras.quality_below_norm)));

  // Facet values (empty: not counted).
  auto value = [&doc](Facet facet, const std::string& v) {
    if (!v.empty()) doc.add_value(static_cast<Xapian::valueno>(facet), v);
  };
  value(Facet::kDomain, dataset.domain());
  value(Facet::kRegistrationType,
        EnumValue(v1::RegistrationType_descriptor(), dataset.registration_type()));
  value(Facet::kBasisregistratie,
        EnumValue(v1::Basisregistratie_descriptor(), dataset.basisregistratie()));
  value(Facet::kHostingKind, EnumValue(v1::HostingKind_descriptor(), dataset.hosting().kind()));
  value(Facet::kProvider, dataset.hosting().provider());
  value(Facet::kConfidentiality,
        EnumValue(v1::Confidentiality_descriptor(), dataset.classification().confidentiality()));
  value(Facet::kContainsPersonalData, BoolValue(personal));
  value(Facet::kStatus, EnumValue(v1::DatasetStatus_descriptor(), dataset.status()));
  value(Facet::kQualityBelowNorm, BoolValue(extras.quality_below_norm));
  doc.add_value(kIdSlot, dataset.id());
  return doc;
}

}  // namespace catalog::search
