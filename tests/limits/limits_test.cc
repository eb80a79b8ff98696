// Resource limits against abuse (OWASP API4): every limit is answered with
// RESOURCE_EXHAUSTED (or, for a stream left open without a deadline, the
// server cancels it), and the server keeps serving.
#include <chrono>
#include <thread>

#include <gtest/gtest.h>

#include "absl/strings/str_cat.h"
#include "tests/support/test_support.h"

namespace catalog {
namespace {

using catalog::testing::Context;
using catalog::testing::TestServer;
using catalog::testing::ValidDataset;

TEST(Limits, OversizedMessageIsResourceExhausted) {
  server::ServerOptions options;
  options.max_message_bytes = 64 << 10;
  auto server = TestServer::Start(options);
  ASSERT_NE(server, nullptr);
  v1::CreateDatasetRequest request;
  *request.mutable_dataset() = ValidDataset("big-one");
  request.mutable_dataset()->set_description(std::string(100 << 10, 'x'));
  v1::Dataset response;
  grpc::Status status = server->Stub("admin")->CreateDataset(Context().get(), request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED) << status.error_message();
  // Still serving.
  *request.mutable_dataset() = ValidDataset("small-one");
  EXPECT_TRUE(server->Stub("admin")->CreateDataset(Context().get(), request, &response).ok());
}

TEST(Limits, PageSizeAboveTheMaximumMeansTheMaximum) {
  server::ServerOptions options;
  options.limits.max_page_size = 50;
  auto server = TestServer::Start(options);
  ASSERT_NE(server, nullptr);
  for (int i = 0; i < 55; ++i) {
    v1::CreateDatasetRequest create;
    *create.mutable_dataset() = ValidDataset(absl::StrCat("pagina-", 100 + i));
    v1::Dataset created;
    ASSERT_TRUE(server->Stub("admin")->CreateDataset(Context().get(), create, &created).ok());
  }
  v1::ListDatasetsRequest request;
  request.set_page_size(51);
  v1::ListDatasetsResponse response;
  grpc::Status status = server->Stub("reader")->ListDatasets(Context().get(), request, &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(response.datasets_size(), 50) << "AIP-158: coerced to the maximum";
  EXPECT_FALSE(response.next_page_token().empty()) << "and the token leads on";
}

TEST(Limits, StreamWithoutDeadlineIsCancelledAtTheServerDefault) {
  server::ServerOptions options;
  options.default_stream_deadline = absl::Milliseconds(500);
  auto server = TestServer::Start(options);
  ASSERT_NE(server, nullptr);
  auto stub = server->Stub("steward");
  grpc::ClientContext context;  // No deadline.
  auto stream = stub->UpsertDatasets(&context);
  const auto start = std::chrono::steady_clock::now();
  v1::UpsertDatasetsResponse response;
  // Sends nothing: only the server's default deadline can end this read.
  EXPECT_FALSE(stream->Read(&response));
  grpc::Status status = stream->Finish();
  const auto waited = std::chrono::steady_clock::now() - start;
  EXPECT_EQ(status.error_code(), grpc::StatusCode::CANCELLED) << status.error_message();
  EXPECT_LT(waited, std::chrono::seconds(10));
  EXPECT_GE(waited, std::chrono::milliseconds(400));
}

TEST(Limits, StreamWithItsOwnShorterDeadlineIsNotCutShort) {
  server::ServerOptions options;
  options.default_stream_deadline = absl::Seconds(30);
  auto server = TestServer::Start(options);
  ASSERT_NE(server, nullptr);
  auto stub = server->Stub("steward");
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
  auto stream = stub->UpsertDatasets(&context);
  v1::UpsertDatasetsRequest batch;
  *batch.add_datasets() = ValidDataset("streamed-one");
  ASSERT_TRUE(stream->Write(batch));
  v1::UpsertDatasetsResponse response;
  ASSERT_TRUE(stream->Read(&response));
  EXPECT_EQ(response.results(0).code(), 0);
  stream->WritesDone();
  EXPECT_TRUE(stream->Finish().ok());
}

}  // namespace
}  // namespace catalog
