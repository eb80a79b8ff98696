#include "server/core/dcat_export.h"

#include <google/protobuf/util/time_util.h>

#include <algorithm>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "api/dcat_profile.h"
#include "api/resource_names.h"
#include "server/core/rdf_document.h"
#include "server/core/visibility.h"

namespace catalog::server {
namespace {

namespace v1 = ::catalog::v1;
using google::protobuf::util::TimeUtil;

constexpr char kAccessRights[] = "http://publications.europa.eu/resource/authority/access-right/";
constexpr char kDataTheme[] = "http://publications.europa.eu/resource/authority/data-theme/";

// "PUBLIC" for ACCESS_RIGHTS_PUBLIC, "AGRI" for THEME_AGRI: the EU
// authority tables use the same codes as the enum values.
template <typename E>
std::string Code(E value, absl::string_view prefix) {
  return std::string(absl::StripPrefix(
      google::protobuf::GetEnumDescriptor<E>()->FindValueByNumber(value)->name(), prefix));
}

// An agent (creator, publisher) as a blank node with its foaf:name.
void AddAgent(RdfDocument& doc, const std::string& label, const std::string& name) {
  doc.Describe(RdfTerm::Blank(label), "foaf:Agent");
  doc.Add("foaf:name", RdfTerm::Text(name, "nl"));
}

void AddDataset(RdfDocument& doc, const std::string& iri, const v1::Dataset& d) {
  const std::string contact = doc.NewBlank(), creator = doc.NewBlank(),
                    publisher = doc.NewBlank();
  const std::string distribution = absl::StrCat(iri, "/distribution");
  doc.Describe(RdfTerm::Iri(iri), "dcat:Dataset");
  doc.Add("dct:identifier", RdfTerm::Text(iri));
  doc.Add("dct:title", RdfTerm::Text(d.title(), "nl"));
  doc.Add("dct:description", RdfTerm::Text(d.description(), "nl"));
  doc.Add("dct:accessRights",
          RdfTerm::Iri(absl::StrCat(kAccessRights, Code(d.access_rights(), "ACCESS_RIGHTS_"))));
  doc.Add("dcat:contactPoint", RdfTerm::Blank(contact));
  doc.Add("dct:creator", RdfTerm::Blank(creator));
  doc.Add("dct:publisher", RdfTerm::Blank(publisher));
  for (int theme : d.themes()) {
    doc.Add("dcat:theme", RdfTerm::Iri(absl::StrCat(
                              kDataTheme, Code(static_cast<v1::Theme>(theme), "THEME_"))));
  }
  for (const std::string& tag : d.tags()) doc.Add("dcat:keyword", RdfTerm::Text(tag, "nl"));
  if (d.has_modified()) {
    doc.Add("dct:modified", RdfTerm::Typed(TimeUtil::ToString(d.modified()), "xsd:dateTime"));
  }
  doc.Add("dcat:distribution", RdfTerm::Iri(distribution));

  const v1::Contact& point = d.contact_point();
  doc.Describe(RdfTerm::Blank(contact), "vcard:Organization");
  doc.Add("vcard:fn", RdfTerm::Text(point.name().empty() ? point.email() : point.name(), "nl"));
  if (api::IsIriSafe(point.email())) {
    doc.Add("vcard:hasEmail", RdfTerm::Iri(absl::StrCat("mailto:", point.email())));
  }
  AddAgent(doc, creator, d.creator().name());
  AddAgent(doc, publisher, d.publisher().name());

  doc.Describe(RdfTerm::Iri(distribution), "dcat:Distribution");
  doc.Add("dcat:accessURL", RdfTerm::Iri(d.openness().publication_url()));
  doc.Add("dct:license", RdfTerm::Iri(api::LicenceIri(d.openness().licence())));
}

}  // namespace

absl::StatusOr<v1::ExportDcatResponse> DcatExport::Export(const v1::ExportDcatRequest& request,
                                                         const Caller& caller) const {
  if (!v1::DcatFormat_IsValid(request.format())) {
    return absl::InvalidArgumentError(absl::StrCat("format: unknown DCAT format ",
                                                   request.format()));
  }
  std::vector<std::string> candidates;
  store_->facts().ForEach([&](const storage::DatasetFacts& f) {
    if (f.openness == v1::OPENNESS_LEVEL_OPEN && f.confidentiality == v1::CONFIDENTIALITY_OPENBAAR) {
      candidates.push_back(f.id);
    }
  });
  std::sort(candidates.begin(), candidates.end());

  const Visibility visibility(caller);
  v1::ExportDcatResponse response;
  std::vector<v1::Dataset> exported;
  for (const std::string& id : candidates) {
    absl::StatusOr<v1::Dataset> dataset = store_->GetDataset(id);
    if (absl::IsNotFound(dataset.status())) continue;  // Deleted meanwhile.
    if (!dataset.ok()) return dataset.status();
    if (!api::IsOpenData(*dataset) || !visibility.Lists(*dataset)) continue;
    std::vector<std::string> missing = api::MissingDcatProperties(*dataset);
    if (missing.empty()) {
      exported.push_back(*std::move(dataset));
      continue;
    }
    v1::DcatOmission* omission = response.add_omitted();
    omission->set_dataset(api::DatasetName(id));
    for (std::string& property : missing) omission->add_missing(std::move(property));
  }

  RdfDocument doc;
  const std::string publisher = doc.NewBlank();
  doc.Describe(RdfTerm::Iri(options_.base_iri), "dcat:Catalog");
  doc.Add("dct:title", RdfTerm::Text(options_.catalog_title, "nl"));
  doc.Add("dct:description",
          RdfTerm::Text(absl::StrCat("Open data van ", options_.publisher), "nl"));
  doc.Add("dct:publisher", RdfTerm::Blank(publisher));
  auto iri_of = [&](const v1::Dataset& d) {
    return absl::StrCat(options_.base_iri, "/datasets/", d.id());
  };
  for (const v1::Dataset& d : exported) doc.Add("dcat:dataset", RdfTerm::Iri(iri_of(d)));
  AddAgent(doc, publisher, options_.publisher);
  for (const v1::Dataset& d : exported) AddDataset(doc, iri_of(d), d);
  const bool jsonld = request.format() == v1::DCAT_FORMAT_JSONLD;
  response.set_document(jsonld ? doc.JsonLd() : doc.Turtle());
  response.set_media_type(jsonld ? "application/ld+json" : "text/turtle");
  response.set_exported(static_cast<int32_t>(exported.size()));
  return response;
}

}  // namespace catalog::server
