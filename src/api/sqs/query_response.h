#pragma once
// The query protocol's XML replies, written from an action's output in the JSON protocol's shape:
// <ActionResponse xmlns="http://queue.amazonaws.com/doc/2012-11-05/"><ActionResult>...
// </ActionResult><ResponseMetadata><RequestId/></ResponseMetadata></ActionResponse>, with lists
// and maps flattened as SQS's XML has them (<QueueUrl> per URL, <Attribute><Name/><Value/>
// </Attribute> per attribute, ...).

#include <boost/json.hpp>
#include <string>

namespace kumo::api::sqs {

std::string RenderQueryResponse(const std::string& action, const boost::json::object& output,
                                const std::string& request_id);

}  // namespace kumo::api::sqs
