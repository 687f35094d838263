// Catalog of the AWS API calls the simulator writes, with request/response templates.
// Template grammar: JSON text where %name% is replaced by a variable's value (values are plain
// identifiers, never containing quotes); "%%" never occurs. Unknown names expand to "".
#pragma once
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace cloudsift::sim {

//! One API call kind.
struct Api {
    const char* source;    //!< eventSource
    const char* name;      //!< eventName
    const char* action;    //!< IAM action for AccessDenied messages
    bool read_only;
    bool data;             //!< data event (S3 object level)
    bool global;           //!< recorded in us-east-1 (IAM, console sign-in, cost explorer …)
    const char* request;   //!< requestParameters template ("null" for none)
    const char* response;  //!< responseElements template
    const char* resources; //!< resources template or ""
    const char* additional;//!< additionalEventData template or ""
};

//! The API named source/name; aborts the build of the catalog in tests when missing.
const Api& FindApi(std::string_view event_name, std::string_view event_source = {});

//! Every API of the catalog.
const std::vector<Api>& AllApis();

//! Expands a template, asking lookup for each %name%.
void ExpandTemplate(std::string& out, std::string_view tmpl,
                    const std::function<std::string_view(std::string_view)>& lookup);

//! The TLS host header for an API call in a region (bucket used for S3 virtual-host style).
std::string ApiHost(const Api& api, std::string_view region, std::string_view bucket);

} // namespace cloudsift::sim
