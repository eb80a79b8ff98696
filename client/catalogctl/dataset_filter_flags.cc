#include "client/catalogctl/dataset_filter_flags.h"

#include "client/catalogctl/commands.h"

namespace catalog::catalogctl {

namespace v1 = ::catalog::v1;

void AddDatasetFilterFlags(CLI::App* c, DatasetFilterFlags* f) {
  c->add_option("--domain", f->domain, "domain (taakveld), exact");
  c->add_option("--registration-type", f->registration_type,
                "basisregistratie|kernregistratie|sectorregistratie|overig");
  c->add_option("--basisregistratie", f->basisregistratie, "brp, bag, bgt, woz, hr, brk, ...");
  c->add_option("--hosting-kind", f->hosting_kind,
                "on_premises|government_cloud|public_cloud|saas");
  c->add_option("--provider", f->provider, "hosting provider, exact");
  c->add_option("--inside-eea", f->inside_eea, "true|false");
  c->add_option("--min-confidentiality", f->min_confidentiality,
                "at least this marking, e.g. vertrouwelijk");
  c->add_option("--owner", f->owner, "owner (roles.owner), exact");
  c->add_option("--tag", f->tag, "has this tag");
  c->add_option("--personal-data", f->personal_data, "true|false");
}

absl::StatusOr<v1::DatasetFilter> BuildDatasetFilter(const DatasetFilterFlags& o) {
  v1::DatasetFilter f;
  f.set_domain(o.domain);
  f.set_provider(o.provider);
  f.set_owner(o.owner);
  f.set_tag(o.tag);
  CATALOGCTL_RETURN_IF_ERROR(SetEnumField(o.registration_type, "--registration-type", &f,
                                          &v1::DatasetFilter::set_registration_type));
  CATALOGCTL_RETURN_IF_ERROR(SetEnumField(o.basisregistratie, "--basisregistratie", &f,
                                          &v1::DatasetFilter::set_basisregistratie));
  CATALOGCTL_RETURN_IF_ERROR(
      SetEnumField(o.hosting_kind, "--hosting-kind", &f, &v1::DatasetFilter::set_hosting_kind));
  CATALOGCTL_RETURN_IF_ERROR(SetEnumField(o.min_confidentiality, "--min-confidentiality", &f,
                                          &v1::DatasetFilter::set_min_confidentiality));
  if (!o.inside_eea.empty()) {
    CATALOGCTL_ASSIGN_OR_RETURN(bool inside, ParseBoolFlag(o.inside_eea, "--inside-eea"));
    f.set_inside_eea(inside);
  }
  if (!o.personal_data.empty()) {
    CATALOGCTL_ASSIGN_OR_RETURN(bool personal, ParseBoolFlag(o.personal_data, "--personal-data"));
    f.set_contains_personal_data(personal);
  }
  return f;
}

}  // namespace catalog::catalogctl
