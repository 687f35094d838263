// Turns an API call description (who, what, when, from where) into a complete CloudTrail record,
// drawing believable resource names from the account for template variables not given.
#pragma once
#include <string>
#include <utility>
#include <vector>

#include "sim/apis.h"
#include "sim/ct_event.h"
#include "sim/world.h"

namespace cloudsift::sim {

//! How a call ends.
enum class CallOutcome { Success, AccessDenied, Error };

//! One API call to render.
struct CallSpec {
    const Api* api = nullptr;
    TimeMs time = 0;
    std::string region;
    const Identity* identity = nullptr;
    std::string source_ip;
    std::string user_agent;
    CallOutcome outcome = CallOutcome::Success;
    bool console = false; //!< console session (sessionCredentialFromConsole)
    bool tls = true;      //!< write tlsDetails
    std::string error_code;    //!< CallOutcome::Error: errorCode ("" for none)
    std::string error_message; //!< CallOutcome::Error: errorMessage
    std::vector<std::pair<std::string, std::string>> vars; //!< template variable overrides
};

//! Renders spec into ev (reusing ev's buffers); ids are drawn from rng.
void BuildCall(Rng& rng, const World& w, const Account& acct, const CallSpec& spec, CtEvent& ev);

//! The error code and message AWS returns to arn when denied api.
std::pair<std::string, std::string> AccessDeniedError(const Api& api, std::string_view arn);

} // namespace cloudsift::sim
