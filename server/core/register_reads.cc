#include "server/core/register_reads.h"

#include <string>
#include <utility>

#include "api/resource_names.h"

namespace catalog::server {
namespace {

constexpr size_t kChunk = 500;

}  // namespace

absl::StatusOr<std::vector<catalog::v1::ProcessingActivity>> AllActivities(
    const storage::CatalogStore& store) {
  std::vector<catalog::v1::ProcessingActivity> all;
  std::string after;
  for (;;) {
    absl::StatusOr<std::vector<catalog::v1::ProcessingActivity>> chunk =
        store.ListProcessingActivities(after, kChunk);
    if (!chunk.ok()) return chunk.status();
    if (chunk->empty()) return all;
    after = chunk->back().id();
    for (catalog::v1::ProcessingActivity& a : *chunk) all.push_back(std::move(a));
  }
}

absl::Status ForEachDelivery(
    const storage::CatalogStore& store,
    const std::function<void(const catalog::v1::ExternalParty&, const catalog::v1::LineageEdge&)>&
        visit) {
  std::string after;
  for (;;) {
    absl::StatusOr<std::vector<catalog::v1::ExternalParty>> parties =
        store.ListParties(after, kChunk);
    if (!parties.ok()) return parties.status();
    if (parties->empty()) return absl::OkStatus();
    after = parties->back().id();
    for (const catalog::v1::ExternalParty& party : *parties) {
      storage::EdgeQuery query;
      query.node = api::PartyName(party.id());
      query.out = false;
      query.limit = kChunk;
      for (;;) {
        absl::StatusOr<storage::EdgePage> page = store.ListEdges(query);
        if (!page.ok()) return page.status();
        for (const catalog::v1::LineageEdge& e : page->edges) visit(party, e);
        if (page->next_cursor.empty()) break;
        query.cursor = page->next_cursor;
      }
    }
  }
}

}  // namespace catalog::server
