#include "server/search/search_index.h"

#include <algorithm>
#include <atomic>
#include <set>
#include <utility>

#include <xapian.h>

#include "api/resource_names.h"
#include "absl/strings/numbers.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "server/search/search_terms.h"
#include "server/search/text_fold.h"

namespace catalog::search {

// The state Snippet needs: the match set (it keeps its query and database
// alive) and the stemmer the query was parsed with.
class SnippetSource {
 public:
  explicit SnippetSource(Xapian::MSet mset) : mset_(std::move(mset)), stemmer_("dutch") {}
  std::string Make(const std::string& text, size_t length) const {
    return mset_.snippet(text, length, stemmer_,
                         Xapian::MSet::SNIPPET_BACKGROUND_MODEL | Xapian::MSet::SNIPPET_EXHAUSTIVE,
                         "<b>", "</b>", "...");
  }

 private:
  Xapian::MSet mset_;
  Xapian::Stem stemmer_;
};

struct SearchIndex::Writer {
  Xapian::WritableDatabase db;
  // Changes since the last Commit are inside an unflushed transaction, so
  // that Xapian neither auto-commits them (every 10,000 changes) nor commits
  // them when the database is destroyed.
  bool in_transaction = false;
};

namespace {

namespace v1 = catalog::v1;

constexpr char kRevisionKey[] = "applied_revision";
// Longest query text accepted.
constexpr size_t kMaxQueryBytes = 2048;
// Terms a wildcard or partial word expands to at most (the most frequent).
constexpr Xapian::termcount kMaxExpansion = 200;

// Runs `fn`, mapping Xapian's exceptions to statuses. `what` names the
// operation for the message.
template <typename Fn>
auto Guard(absl::string_view what, Fn fn) -> decltype(fn()) {
  try {
    return fn();
  } catch (const Xapian::QueryParserError& e) {
    return absl::InvalidArgumentError(absl::StrCat("query: ", e.get_msg()));
  } catch (const Xapian::DatabaseCorruptError& e) {
    return absl::DataLossError(absl::StrCat("search index is corrupt (", what, "): ", e.get_msg()));
  } catch (const Xapian::DatabaseLockError& e) {
    return absl::FailedPreconditionError(
        absl::StrCat("search index is locked by another writer (", what, "): ", e.get_msg()));
  } catch (const Xapian::DatabaseModifiedError& e) {
    return absl::AbortedError(absl::StrCat("search index changed during ", what, "; retry"));
  } catch (const Xapian::DatabaseOpeningError& e) {
    return absl::FailedPreconditionError(
        absl::StrCat("cannot open the search index (", what, "): ", e.get_msg()));
  } catch (const Xapian::Error& e) {
    return absl::InternalError(
        absl::StrCat("search index (", what, "): ", e.get_type(), ": ", e.get_msg()));
  }
}

absl::StatusOr<uint64_t> ParseRevision(const std::string& value) {
  if (value.empty()) return 0;
  uint64_t revision = 0;
  if (!absl::SimpleAtoi(value, &revision)) {
    return absl::DataLossError(absl::StrCat("search index: applied_revision '", value,
                                            "' is not a number"));
  }
  return revision;
}

bool IsWordByte(char c) {
  const auto u = static_cast<unsigned char>(c);
  return u >= 0x80 || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

// Quotes and parentheses must pair up: Xapian would silently read
// `"woz beschikking` as a phrase and `(woz` as a word.
absl::Status CheckSyntax(absl::string_view text) {
  if (text.size() > kMaxQueryBytes) {
    return absl::InvalidArgumentError(
        absl::StrCat("query: longer than ", kMaxQueryBytes, " bytes"));
  }
  bool quoted = false;
  int depth = 0;
  for (char c : text) {
    if (c == '"') {
      quoted = !quoted;
    } else if (!quoted && c == '(') {
      ++depth;
    } else if (!quoted && c == ')') {
      if (--depth < 0) return absl::InvalidArgumentError("query: ')' without '('");
    }
  }
  if (quoted) return absl::InvalidArgumentError("query: unterminated phrase (a '\"' is missing)");
  if (depth > 0) return absl::InvalidArgumentError("query: '(' without ')'");
  return absl::OkStatus();
}

// The query text as the parser gets it: folded like indexed text, and a
// hyphen between two word characters made a space, so that
// "WOZ-beschikking" is two stemmed words rather than Xapian's unstemmed
// phrase (and finds "woz beschikkingen").
std::string PrepareText(absl::string_view text) {
  std::string folded = FoldText(text);
  for (size_t i = 1; i + 1 < folded.size(); ++i) {
    if (folded[i] == '-' && IsWordByte(folded[i - 1]) && IsWordByte(folded[i + 1])) {
      folded[i] = ' ';
    }
  }
  return folded;
}

constexpr unsigned kParseFlags =
    Xapian::QueryParser::FLAG_DEFAULT | Xapian::QueryParser::FLAG_WILDCARD |
    Xapian::QueryParser::FLAG_PARTIAL | Xapian::QueryParser::FLAG_PURE_NOT |
    Xapian::QueryParser::FLAG_BOOLEAN_ANY_CASE;

Xapian::QueryParser MakeParser(const Xapian::Database& db, bool english) {
  Xapian::QueryParser parser;
  parser.set_database(db);
  parser.set_default_op(Xapian::Query::OP_AND);
  parser.set_max_expansion(kMaxExpansion, Xapian::Query::WILDCARD_LIMIT_MOST_FREQUENT,
                           Xapian::QueryParser::FLAG_WILDCARD | Xapian::QueryParser::FLAG_PARTIAL);
  if (english) {
    // Only Z-prefixed English stems are indexed (search_terms.h).
    parser.set_stemmer(Xapian::Stem("english"));
    parser.set_stemming_strategy(Xapian::QueryParser::STEM_ALL_Z);
  } else {
    parser.set_stemmer(Xapian::Stem("dutch"));
    parser.set_stemming_strategy(Xapian::QueryParser::STEM_SOME);
  }
  for (const TextField& field : TextFields()) {
    parser.add_prefix(field.query_name,
                      english ? absl::StrCat(kEnglishPrefix, field.prefix) : field.prefix);
  }
  return parser;
}

bool HasNegation(const Xapian::Query& query) {
  if (query.get_type() == Xapian::Query::OP_AND_NOT) return true;
  for (size_t i = 0; i < query.get_num_subqueries(); ++i) {
    if (HasNegation(query.get_subquery(i))) return true;
  }
  return false;
}

// The text part of the query. The Dutch and the English parses are OR-ed,
// except for a query with NOT: there one parse's match would let through
// what the other's NOT excludes (e.g. "woz NOT beschikking": the English
// stem of "beschikking" is not that of "beschikkingen"), so the Dutch parse
// decides alone.
Xapian::Query ParseText(const Xapian::Database& db, const std::string& prepared) {
  Xapian::QueryParser dutch = MakeParser(db, /*english=*/false);
  Xapian::Query query = dutch.parse_query(prepared, kParseFlags);
  if (query.empty()) return query;
  if (HasNegation(query)) return query;
  Xapian::QueryParser english = MakeParser(db, /*english=*/true);
  Xapian::Query english_query =
      english.parse_query(prepared, kParseFlags, std::string(kEnglishPrefix));
  if (english_query.empty()) return query;
  return Xapian::Query(Xapian::Query::OP_OR, query, english_query);
}

Xapian::Query Term(absl::string_view prefix, absl::string_view value) {
  return Xapian::Query(BooleanTerm(prefix, value));
}

Xapian::Query AnyOf(const std::vector<std::string>& terms) {
  return Xapian::Query(Xapian::Query::OP_OR, terms.begin(), terms.end());
}

// The structured filters and the visible levels, AND-ed.
Xapian::Query FilterQuery(const SearchQuery& query) {
  const SearchFilters& f = query.filters;
  std::vector<Xapian::Query> parts;
  std::vector<std::string> visible;
  for (v1::Confidentiality level : query.visible_levels) {
    visible.push_back(BooleanTerm(kConfidentialityPrefix, absl::StrCat(level)));
  }
  parts.push_back(AnyOf(visible));  // Empty: matches nothing.
  parts.push_back(Term(kKindPrefix, kDatasetKind));
  if (!f.domain.empty()) parts.push_back(Term(kFilterDomain, f.domain));
  if (f.registration_type != v1::REGISTRATION_TYPE_UNSPECIFIED) {
    parts.push_back(Term(kFilterRegistrationType, absl::StrCat(f.registration_type)));
  }
  if (f.basisregistratie != v1::BASISREGISTRATIE_UNSPECIFIED) {
    parts.push_back(Term(kFilterBasisregistratie, absl::StrCat(f.basisregistratie)));
  }
  if (f.hosting_kind != v1::HOSTING_KIND_UNSPECIFIED) {
    parts.push_back(Term(kFilterHostingKind, absl::StrCat(f.hosting_kind)));
  }
  if (!f.provider.empty()) parts.push_back(Term(kFilterProvider, f.provider));
  if (f.inside_eea.has_value()) parts.push_back(Term(kFilterInsideEea, BoolValue(*f.inside_eea)));
  if (f.min_confidentiality != v1::CONFIDENTIALITY_UNSPECIFIED) {
    std::vector<std::string> levels;
    const google::protobuf::EnumDescriptor* descriptor = v1::Confidentiality_descriptor();
    for (int i = 0; i < descriptor->value_count(); ++i) {
      const int number = descriptor->value(i)->number();
      if (number >= f.min_confidentiality) {
        levels.push_back(BooleanTerm(kConfidentialityPrefix, absl::StrCat(number)));
      }
    }
    parts.push_back(AnyOf(levels));
  }
  if (!f.owner.empty()) parts.push_back(Term(kFilterOwner, f.owner));
  if (!f.tag.empty()) parts.push_back(Term(kFilterTag, f.tag));
  if (f.contains_personal_data.has_value()) {
    parts.push_back(Term(kFilterPersonalData, BoolValue(*f.contains_personal_data)));
  }
  if (f.status != v1::DATASET_STATUS_UNSPECIFIED) {
    parts.push_back(Term(kFilterStatus, absl::StrCat(f.status)));
  }
  if (f.quality_below_norm.has_value()) {
    parts.push_back(Term(kFilterQuality, BoolValue(*f.quality_below_norm)));
  }
  return Xapian::Query(Xapian::Query::OP_AND, parts.begin(), parts.end());
}

// The fields of `doc` that the query's matching terms come from, by the
// terms' prefixes. A term without a field prefix (free text, or the English
// pass's "XE") is looked up under each field's prefix in the document: the
// candidates are sorted and the document's term list is walked once.
std::vector<std::string> MatchedFields(const Xapian::Enquire& enquire, Xapian::docid docid,
                                       const Xapian::Document& doc) {
  const std::vector<TextField>& fields = TextFields();
  std::vector<bool> matched(fields.size(), false);
  std::vector<std::pair<std::string, size_t>> candidates;  // Term, field.
  for (auto it = enquire.get_matching_terms_begin(docid); it != enquire.get_matching_terms_end(docid);
       ++it) {
    const std::string& term = *it;
    const bool stemmed = !term.empty() && term[0] == 'Z';
    const std::string rest = stemmed ? term.substr(1) : term;
    size_t upper = 0;
    while (upper < rest.size() && rest[upper] >= 'A' && rest[upper] <= 'Z') ++upper;
    std::string prefix = rest.substr(0, upper);
    const std::string body = rest.substr(upper);
    const bool english = absl::StartsWith(prefix, kEnglishPrefix);
    const std::string pass = english ? std::string(kEnglishPrefix) : std::string();
    if (english) prefix = prefix.substr(kEnglishPrefix.size());
    if (!english && !prefix.empty() && prefix.size() == rest.size()) continue;
    for (size_t i = 0; i < fields.size(); ++i) {
      if (!prefix.empty()) {
        if (prefix == fields[i].prefix) matched[i] = true;
      } else {
        candidates.emplace_back(absl::StrCat(stemmed ? "Z" : "", pass, fields[i].prefix, body), i);
      }
    }
  }
  std::sort(candidates.begin(), candidates.end());
  Xapian::TermIterator term = doc.termlist_begin();
  for (const auto& [candidate, i] : candidates) {
    if (matched[i]) continue;
    term.skip_to(candidate);
    if (term == doc.termlist_end()) break;
    if (*term == candidate) matched[i] = true;
  }
  std::vector<std::string> out;
  for (size_t i = 0; i < fields.size(); ++i) {
    if (matched[i]) out.push_back(fields[i].path);
  }
  return out;
}

// Each index gets a number, so that a thread's cached reader is of this
// index (a rebuilt index in the same directory is another SearchIndex).
std::atomic<uint64_t> next_index_number{1};

// The calling thread's reader of index `number` in `dir`, reopened at its
// latest commit. Xapian objects are not thread-safe, so each thread keeps
// its own; opening a glass database costs more than a small search.
Xapian::Database& ThreadReader(uint64_t number, const std::string& dir) {
  thread_local uint64_t cached_number = 0;
  thread_local std::unique_ptr<Xapian::Database> cached;
  if (cached == nullptr || cached_number != number) {
    cached.reset();
    cached = std::make_unique<Xapian::Database>(dir, Xapian::DB_BACKEND_GLASS);
    cached_number = number;
  } else {
    cached->reopen();
  }
  return *cached;
}

}  // namespace

const char* FacetName(Facet facet) {
  switch (facet) {
    case Facet::kDomain: return "domain";
    case Facet::kRegistrationType: return "registration_type";
    case Facet::kBasisregistratie: return "basisregistratie";
    case Facet::kHostingKind: return "hosting_kind";
    case Facet::kProvider: return "provider";
    case Facet::kConfidentiality: return "confidentiality";
    case Facet::kContainsPersonalData: return "contains_personal_data";
    case Facet::kStatus: return "status";
    case Facet::kQualityBelowNorm: return "quality_below_norm";
  }
  return "";
}

std::string Snippet(const SearchResult& result, const std::string& text, size_t length) {
  if (result.snippets == nullptr) return {};
  try {
    return result.snippets->Make(text, length);
  } catch (const Xapian::Error&) {
    return {};
  }
}

SearchIndex::SearchIndex(std::string dir, std::unique_ptr<Writer> writer, uint64_t revision)
    : dir_(std::move(dir)),
      number_(next_index_number.fetch_add(1)),
      writer_(std::move(writer)),
      revision_(revision) {}

SearchIndex::~SearchIndex() {
  std::lock_guard<std::mutex> lock(mu_);
  try {
    // Uncommitted changes are discarded, never committed implicitly.
    if (writer_->in_transaction) writer_->db.cancel_transaction();
    writer_->db.close();
  } catch (const Xapian::Error&) {
    // Nothing to do: the last commit stays as it was.
  }
}

absl::StatusOr<std::unique_ptr<SearchIndex>> SearchIndex::Open(const std::string& dir) {
  return Guard("open", [&]() -> absl::StatusOr<std::unique_ptr<SearchIndex>> {
    auto writer = std::make_unique<Writer>();
    writer->db = Xapian::WritableDatabase(dir, Xapian::DB_CREATE_OR_OPEN | Xapian::DB_BACKEND_GLASS);
    absl::StatusOr<uint64_t> revision = ParseRevision(writer->db.get_metadata(kRevisionKey));
    if (!revision.ok()) return revision.status();
    return std::unique_ptr<SearchIndex>(new SearchIndex(dir, std::move(writer), *revision));
  });
}

uint64_t SearchIndex::applied_revision() const {
  std::lock_guard<std::mutex> lock(mu_);
  return revision_;
}

absl::Status SearchIndex::Put(const v1::Dataset& dataset, const DocumentExtras& extras) {
  if (dataset.id().empty()) return absl::InvalidArgumentError("search index: dataset without id");
  Xapian::Document doc = BuildDocument(dataset, extras);
  const std::string key = BooleanTerm(kUniquePrefix, api::DatasetName(dataset.id()));
  std::lock_guard<std::mutex> lock(mu_);
  return Guard("put", [&]() -> absl::Status {
    if (!writer_->in_transaction) {
      writer_->db.begin_transaction(/*flushed=*/false);
      writer_->in_transaction = true;
    }
    writer_->db.replace_document(key, doc);
    return absl::OkStatus();
  });
}

absl::Status SearchIndex::Remove(const std::string& dataset_id) {
  const std::string key = BooleanTerm(kUniquePrefix, api::DatasetName(dataset_id));
  std::lock_guard<std::mutex> lock(mu_);
  return Guard("remove", [&]() -> absl::Status {
    if (!writer_->in_transaction) {
      writer_->db.begin_transaction(/*flushed=*/false);
      writer_->in_transaction = true;
    }
    writer_->db.delete_document(key);
    return absl::OkStatus();
  });
}

absl::Status SearchIndex::Commit(uint64_t applied_revision) {
  std::lock_guard<std::mutex> lock(mu_);
  if (applied_revision < revision_) {
    return absl::FailedPreconditionError(absl::StrCat(
        "search index: revision ", applied_revision, " is below the applied ", revision_));
  }
  return Guard("commit", [&]() -> absl::Status {
    if (!writer_->in_transaction) {
      writer_->db.begin_transaction(/*flushed=*/false);
      writer_->in_transaction = true;
    }
    writer_->db.set_metadata(kRevisionKey, absl::StrCat(applied_revision));
    writer_->db.commit_transaction();
    writer_->in_transaction = false;
    // The transaction was unflushed: this one commit makes the documents
    // and the revision durable together.
    writer_->db.commit();
    revision_ = applied_revision;
    return absl::OkStatus();
  });
}

absl::StatusOr<SearchResult> SearchIndex::Search(const SearchQuery& query) const {
  if (absl::Status syntax = CheckSyntax(query.text); !syntax.ok()) return syntax;
  return Guard("search", [&]() -> absl::StatusOr<SearchResult> {
    // The thread's own reader (see the header): thread-safe without a lock.
    Xapian::Database& db = ThreadReader(number_, dir_);
    SearchResult result;
    absl::StatusOr<uint64_t> revision = ParseRevision(db.get_metadata(kRevisionKey));
    if (!revision.ok()) return revision.status();
    result.index_revision = *revision;

    const Xapian::Query filter = FilterQuery(query);
    const std::string prepared = PrepareText(query.text);
    Xapian::Query text = ParseText(db, prepared);
    const bool match_all = text.empty();
    if (match_all) text = Xapian::Query::MatchAll;

    // Exact id or whole-title match: found by boolean terms, always first.
    const std::string whole = NormalizeWhole(query.text);
    std::vector<Xapian::docid> exact;
    if (!match_all && !whole.empty()) {
      const Xapian::Query exact_terms(
          Xapian::Query::OP_OR, Term(kUniquePrefix, api::DatasetName(whole)),
          Term(kWholeTitlePrefix, whole));
      Xapian::Enquire exact_enquire(db);
      exact_enquire.set_query(Xapian::Query(Xapian::Query::OP_FILTER, exact_terms, filter));
      exact_enquire.set_sort_by_value(kIdSlot, /*reverse=*/false);
      Xapian::MSet exact_set = exact_enquire.get_mset(0, 10);
      for (auto it = exact_set.begin(); it != exact_set.end(); ++it) exact.push_back(*it);
      // An exact match counts once, among the matches.
      text = Xapian::Query(Xapian::Query::OP_OR, text, exact_terms);
    }

    Xapian::Enquire enquire(db);
    enquire.set_query(Xapian::Query(Xapian::Query::OP_FILTER, text, filter));
    // Ties by id, not by document number (see search_terms.h).
    enquire.set_sort_by_relevance_then_value(kIdSlot, /*reverse=*/false);
    std::vector<std::unique_ptr<Xapian::ValueCountMatchSpy>> spies;
    if (query.count_facets) {
      for (int slot = 0; slot < kFacetCount; ++slot) {
        spies.push_back(std::make_unique<Xapian::ValueCountMatchSpy>(slot));
        enquire.add_matchspy(spies.back().get());
      }
    }
    // check_at_least = doccount: the total and the facet counts are exact.
    const Xapian::doccount wanted = static_cast<Xapian::doccount>(query.offset + query.page_size);
    Xapian::MSet mset = enquire.get_mset(0, wanted, db.get_doccount());
    result.total = mset.get_matches_estimated();

    for (int slot = 0; slot < static_cast<int>(spies.size()); ++slot) {
      auto& counts = result.facets[FacetName(static_cast<Facet>(slot))];
      for (auto it = spies[slot]->values_begin(); it != spies[slot]->values_end(); ++it) {
        counts[*it] = it.get_termfreq();
      }
    }

    // The ranked list: exact matches, then the others in Xapian's order.
    struct Entry {
      Xapian::docid docid;
      double weight;
      int percent;
      bool exact;
    };
    std::vector<Entry> ranked;
    for (Xapian::docid docid : exact) {
      Entry entry{docid, 0, 0, true};
      for (auto it = mset.begin(); it != mset.end(); ++it) {
        if (*it == docid) {
          entry.weight = it.get_weight();
          entry.percent = it.get_percent();
        }
      }
      ranked.push_back(entry);
    }
    for (auto it = mset.begin(); it != mset.end(); ++it) {
      if (std::find(exact.begin(), exact.end(), *it) != exact.end()) continue;
      ranked.push_back(Entry{*it, it.get_weight(), it.get_percent(), false});
    }
    for (size_t i = query.offset; i < ranked.size() && i < query.offset + query.page_size; ++i) {
      const Xapian::Document doc = db.get_document(ranked[i].docid);
      SearchHit hit;
      const std::string name = doc.get_data();
      hit.dataset_id = name.substr(name.find('/') + 1);
      hit.rank = i;
      hit.weight = ranked[i].weight;
      hit.percent = ranked[i].percent;
      hit.exact = ranked[i].exact;
      hit.matched_fields = MatchedFields(enquire, ranked[i].docid, doc);
      result.hits.push_back(std::move(hit));
    }
    if (!mset.empty()) result.snippets = std::make_shared<const SnippetSource>(mset);
    return result;
  });
}

}  // namespace catalog::search
