// Background (benign) activity generators: one record per call, drawn from the organization's
// principals and hosts with the heavy read-mostly mix of a real account.
#pragma once
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "sim/ct_builder.h"
#include "sim/world.h"

namespace cloudsift::sim {

//! User agents shared by background and scenarios.
namespace ua {
inline constexpr std::string_view kCliCi =
    "aws-cli/2.15.30 md/awscrt#0.19.19 ua/2.0 os/linux#6.5.0-1016-azure md/arch#x86_64 "
    "lang/python#3.11.8 md/pyimpl#CPython exec-env/GitHubActions cfg/retry-mode#standard "
    "md/installer#exe md/distrib#ubuntu.22 md/prompt#off md/command#s3.cp";
inline constexpr std::string_view kTerraform =
    "APN/1.0 HashiCorp/1.0 Terraform/1.7.5 (+https://www.terraform.io) "
    "terraform-provider-aws/5.40.0 (+https://registry.terraform.io/providers/hashicorp/aws) "
    "aws-sdk-go-v2/1.25.2 os/linux lang/go#1.21.8 md/GOOS#linux md/GOARCH#amd64";
inline constexpr std::string_view kLambdaBoto =
    "Boto3/1.34.42 md/Botocore#1.34.42 ua/2.0 os/linux#5.10.214-223.855.amzn2.x86_64 "
    "md/arch#x86_64 lang/python#3.12.2 md/pyimpl#CPython exec-env/AWS_Lambda_python3.12 "
    "cfg/retry-mode#legacy Botocore/1.34.42";
inline constexpr std::string_view kPhpSdk =
    "aws-sdk-php/3.301.1 ua/2.0 OS/Linux/6.1.79-99.164.amzn2023.x86_64 lang/php#8.2.15 "
    "GuzzleHttp/7";
inline constexpr std::string_view kSsmAgent =
    "aws-sdk-go/1.50.38 (go1.21.8; linux; amd64) amazon-ssm-agent/3.3.131.0";
inline constexpr std::string_view kBrowser =
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/122.0.0.0 Safari/537.36";
inline constexpr std::string_view kOldCli =
    "aws-cli/1.29.62 Python/3.9.18 Linux/4.18.0-513.el8.x86_64 botocore/1.31.62";
inline constexpr std::string_view kAttackerCli =
    "aws-cli/2.13.5 Python/3.11.4 Linux/6.1.0-kali9-amd64 exe/x86_64.kali.2023 prompt/off "
    "command/sts.get-caller-identity";
inline constexpr std::string_view kAttackerBoto =
    "Boto3/1.28.57 md/Botocore#1.31.57 ua/2.0 os/linux#6.1.0-kali9-amd64 md/arch#x86_64 "
    "lang/python#3.11.5 md/pyimpl#CPython cfg/retry-mode#legacy Botocore/1.31.57";
inline constexpr std::string_view kPacu =
    "aws-cli/1.16.301 Python/3.8.10 Linux/5.15.0 botocore/1.31.57 Pacu";
} // namespace ua

//! Draws background CloudTrail records. One instance per thread; the world is shared read-only.
class CtBackground {
public:
    //! Prepares the weighted mixes for w.
    explicit CtBackground(const World& w);
    //! Appends one record at time t to out; sets the account index and region it belongs to.
    void Next(Rng& rng, TimeMs t, std::string& out, int& account, std::string& region);

private:
    struct Mix {
        std::vector<const Api*> apis;
        std::vector<double> cumulative;
        const Api* Draw(Rng& rng) const;
    };
    const Mix& MixFor(PrincipalKind k) const { return mixes_[size_t(k)]; }

    const World& w_;
    std::vector<Mix> mixes_;
    std::vector<double> account_cum_;
    std::vector<std::vector<double>> principal_cum_;
    //! The session identity of principal p, cached per hour (credentials rotate hourly).
    const Identity& CachedIdentity(int account, const Principal& p, TimeMs t,
                                   const std::string& session);

    CtEvent ev_;
    CallSpec spec_;
    std::map<std::pair<const Principal*, std::string>, Identity> id_cache_;
    TimeMs cache_hour_ = -1;
};

//! Index of the entry chosen by a uniform draw over cumulative weights.
size_t DrawCumulative(Rng& rng, const std::vector<double>& cumulative);

} // namespace cloudsift::sim
