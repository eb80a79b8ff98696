#include "server/core/openlineage_intake.h"

#include <map>
#include <set>
#include <utility>

#include <google/protobuf/util/message_differencer.h>

#include "absl/strings/str_cat.h"
#include "api/resource_names.h"
#include "server/core/access.h"
#include "server/core/request_rules.h"
#include "server/core/visibility.h"

namespace catalog::server {
namespace {

namespace v1 = ::catalog::v1;
using v1::Dataset;
using v1::LineageEdge;

using openlineage::DatasetRef;
using openlineage::RunEvent;

// The intake of one request: datasets resolved or stubbed, edges and job
// records as they will be after all events, compared with what is stored.
class Intake {
 public:
  Intake(const storage::CatalogStore& store, const Caller& caller,
         v1::Confidentiality stub_confidentiality)
      : store_(store), caller_(caller), stub_confidentiality_(stub_confidentiality) {}

  absl::Status Apply(const RunEvent& event) {
    storage::OpenLineageJob* job = nullptr;
    if (absl::StatusOr<storage::OpenLineageJob*> j = Job(event); !j.ok()) {
      return j.status();
    } else {
      job = *j;
    }
    if (!event.job_description.empty()) job->set_description(event.job_description);
    v1::JobRun run;
    run.set_job_namespace(event.job_ns);
    run.set_job_name(event.job_name);
    run.set_run_id(event.run_id);
    run.set_state(event.state);
    *run.mutable_event_time() = ProtoTimestamp(event.time);
    run.set_error_message(event.error_message);
    if (Newer(run, job->last_run())) *job->mutable_last_run() = run;

    std::vector<std::pair<std::string, std::string>> touched;
    for (const DatasetRef& out : event.outputs) {
      absl::StatusOr<std::string> target = Resolve(out, event);
      if (!target.ok()) return target.status();
      for (const DatasetRef& in : event.inputs) {
        absl::StatusOr<std::string> source = Resolve(in, event);
        if (!source.ok()) return source.status();
        if (*source == *target) continue;
        absl::StatusOr<LineageEdge*> edge = Edge(*source, *target, event);
        if (!edge.ok()) return edge.status();
        if (out.has_column_lineage) SetMappings(*edge, in, out);
        touched.emplace_back(*source, *target);
        bool known = false;
        for (const auto& ref : job->edges()) known |= ref.source() == *source && ref.target() == *target;
        if (!known) {
          auto* ref = job->add_edges();
          ref->set_source(*source);
          ref->set_target(*target);
        }
      }
    }
    // An event without inputs and outputs (e.g. a FAIL) concerns the edges
    // the job reported before.
    if (event.inputs.empty() && event.outputs.empty()) {
      for (const auto& ref : job->edges()) touched.emplace_back(ref.source(), ref.target());
    }
    for (const auto& [source, target] : touched) {
      absl::StatusOr<LineageEdge*> edge = Edge(source, target, event);
      if (!edge.ok()) return edge.status();
      if (Newer(run, (*edge)->last_run())) *(*edge)->mutable_last_run() = run;
    }
    return absl::OkStatus();
  }

  // What to write: new stubs, changed edges and jobs. Checks the caller's
  // right to document each changed edge.
  absl::StatusOr<storage::LineageWrite> Changes(v1::IngestOpenLineageResponse* response) {
    storage::LineageWrite write;
    for (auto& [id, stub] : stubs_) {
      response->add_datasets_created(id);
      write.create_datasets.push_back(stub);
    }
    for (auto& [key, edge] : edges_) {
      const auto stored = stored_edges_.find(key);
      const bool exists = stored != stored_edges_.end();
      if (exists && google::protobuf::util::MessageDifferencer::Equals(stored->second, edge)) {
        continue;
      }
      if (!stubs_.contains(api::IdOf(edge.target()))) {
        absl::StatusOr<Dataset> owner = store_.GetDataset(api::IdOf(edge.target()));
        if (!owner.ok()) return owner.status();
        if (absl::Status s = CheckStewardship(caller_, *owner); !s.ok()) return s;
      }
      exists ? response->set_edges_updated(response->edges_updated() + 1)
             : response->set_edges_created(response->edges_created() + 1);
      write.edges.push_back({edge, exists ? storage::WriteMode::kReplace : storage::WriteMode::kCreate,
                             exists ? edge.revision() : 0});
    }
    for (auto& [key, job] : jobs_) {
      const auto stored = stored_jobs_.find(key);
      if (stored == stored_jobs_.end() ||
          !google::protobuf::util::MessageDifferencer::Equals(stored->second, job)) {
        write.jobs.push_back(job);
      }
    }
    return write;
  }

 private:
  static bool Newer(const v1::JobRun& run, const v1::JobRun& than) {
    return than.run_id().empty() || AbslTime(run.event_time()) >= AbslTime(than.event_time());
  }

  absl::StatusOr<storage::OpenLineageJob*> Job(const RunEvent& event) {
    const auto key = std::make_pair(event.job_ns, event.job_name);
    auto found = jobs_.find(key);
    if (found != jobs_.end()) return &found->second;
    absl::StatusOr<std::optional<storage::OpenLineageJob>> stored =
        store_.GetOpenLineageJob(event.job_ns, event.job_name);
    if (!stored.ok()) return stored.status();
    storage::OpenLineageJob job;
    if (stored->has_value()) {
      job = **stored;
      stored_jobs_.emplace(key, job);
    } else {
      job.set_namespace_(event.job_ns);
      job.set_name(event.job_name);
    }
    return &jobs_.emplace(key, std::move(job)).first->second;
  }

  // The dataset an OpenLineage dataset stands for: the one carrying its
  // name, or a stub created for it (id from the name).
  absl::StatusOr<std::string> Resolve(const DatasetRef& ref, const RunEvent& event) {
    const auto key = std::make_pair(ref.ns, ref.name);
    if (auto found = resolved_.find(key); found != resolved_.end()) {
      FillStubSchema(found->second, ref);
      return api::DatasetName(found->second);
    }
    absl::StatusOr<std::vector<std::string>> ids = store_.FindByOpenLineageName(ref.ns, ref.name);
    if (!ids.ok()) return ids.status();
    for (const std::string& id : *ids) {
      absl::StatusOr<Dataset> dataset = store_.GetDataset(id);
      if (!dataset.ok()) continue;
      if (!Visibility(caller_).Sees(*dataset)) {
        // Never name it; the caller knows only the OpenLineage name.
        return absl::PermissionDeniedError(absl::StrCat(
            "OpenLineage dataset ", ref.ns, " ", ref.name,
            " belongs to a catalogue dataset above your clearance; its lineage cannot be "
            "changed by you"));
      }
      resolved_.emplace(key, id);
      return api::DatasetName(id);
    }
    const std::string base = api::SlugFromText(ref.name, 3);
    std::string id = base;
    for (int n = 2; store_.GetDataset(id).ok() || stubs_.contains(id); ++n) {
      if (n > 99) {
        return absl::FailedPreconditionError(
            absl::StrCat("no free id for a stub of OpenLineage dataset ", ref.name));
      }
      id = absl::StrCat(base, "-", n);
    }
    Dataset stub;
    stub.set_id(id);
    stub.set_title(ref.name.substr(0, 200));
    stub.set_description(absl::StrCat(
        "Created from an OpenLineage event of job ", event.job_ns, "/", event.job_name,
        "; to be completed by a steward (owner, domain, hosting, classification)."));
    stub.set_status(v1::DATASET_STATUS_CONCEPT);
    // Not openbaar until a steward says so: the intake knows nothing of
    // what the data holds.
    stub.mutable_classification()->set_confidentiality(stub_confidentiality_);
    stub.set_registration_type(v1::REGISTRATION_TYPE_OVERIG);
    stub.set_origin(v1::ORIGIN_INTERNAL);
    stub.set_system(ref.ns.substr(0, 200));
    stub.set_provenance(absl::StrCat("OpenLineage: ", ref.ns, " ", ref.name).substr(0, 1000));
    v1::OpenLineageName* name = stub.add_openlineage_names();
    name->set_namespace_(ref.ns);
    name->set_name(ref.name);
    stubs_.emplace(id, std::move(stub));
    resolved_.emplace(key, id);
    FillStubSchema(id, ref);
    return api::DatasetName(id);
  }

  // A stub takes the first schema an event reports for it.
  void FillStubSchema(const std::string& id, const DatasetRef& ref) {
    auto stub = stubs_.find(id);
    if (stub == stubs_.end() || !ref.has_schema || stub->second.schema_fields_size() > 0) return;
    std::set<std::string> seen;
    for (const auto& [field, type] : ref.fields) {
      if (!seen.insert(field).second) continue;
      v1::SchemaField* f = stub->second.add_schema_fields();
      f->set_name(field);
      f->set_type(type);
    }
  }

  absl::StatusOr<LineageEdge*> Edge(const std::string& source, const std::string& target,
                                    const RunEvent& event) {
    const auto key = std::make_pair(source, target);
    auto found = edges_.find(key);
    if (found != edges_.end()) return &found->second;
    LineageEdge edge;
    absl::StatusOr<LineageEdge> stored = store_.GetEdge(source, target);
    if (stored.ok()) {
      edge = *stored;
      stored_edges_.emplace(key, *std::move(stored));
    } else if (absl::IsNotFound(stored.status())) {
      edge.set_source(source);
      edge.set_target(target);
      edge.set_relation(v1::LINEAGE_RELATION_DERIVED);
      edge.set_process(event.job_name);
      edge.set_description(absl::StrCat("Reported by OpenLineage job ", event.job_ns, "/",
                                        event.job_name));
    } else {
      return stored.status();
    }
    return &edges_.emplace(key, std::move(edge)).first->second;
  }

  // Column mappings of input `in` into output `out`, from the output's
  // column-lineage facet (replacing what the edge had).
  static void SetMappings(LineageEdge* edge, const DatasetRef& in, const DatasetRef& out) {
    edge->clear_column_mappings();
    for (const openlineage::ColumnLineage& column : out.column_lineage) {
      for (const openlineage::ColumnLineage::Input& input : column.inputs) {
        if (input.ns != in.ns || input.name != in.name) continue;
        v1::ColumnMapping* m = edge->add_column_mappings();
        m->set_source_field(input.field);
        m->set_target_field(column.field);
        m->set_transformation(column.transformation);
      }
    }
  }

  const storage::CatalogStore& store_;
  const Caller& caller_;
  const v1::Confidentiality stub_confidentiality_;
  std::map<std::pair<std::string, std::string>, std::string> resolved_;  // (ns, name) -> id
  std::map<std::string, Dataset> stubs_;                                 // by id
  std::map<std::pair<std::string, std::string>, LineageEdge> edges_;    // (source, target)
  std::map<std::pair<std::string, std::string>, LineageEdge> stored_edges_;
  std::map<std::pair<std::string, std::string>, storage::OpenLineageJob> jobs_;
  std::map<std::pair<std::string, std::string>, storage::OpenLineageJob> stored_jobs_;
};

}  // namespace

absl::StatusOr<storage::LineageWrite> PlanOpenLineageIntake(
    const storage::CatalogStore& store, const Caller& caller, const std::vector<RunEvent>& events,
    v1::Confidentiality stub_confidentiality, v1::IngestOpenLineageResponse* response) {
  Intake intake(store, caller, stub_confidentiality);
  for (const RunEvent& event : events) {
    if (absl::Status s = intake.Apply(event); !s.ok()) return s;
  }
  return intake.Changes(response);
}

}  // namespace catalog::server
