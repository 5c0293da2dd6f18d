//! `copydesk healthcheck`: for container health checks, where the exit
//! status is the answer.

use std::process::ExitCode;
use std::time::Duration;

use tonic::transport::Endpoint;
use tonic_health::pb::HealthCheckRequest;
use tonic_health::pb::health_check_response::ServingStatus;
use tonic_health::pb::health_client::HealthClient;

#[derive(Debug, clap::Args)]
pub struct HealthcheckArgs {
    /// The server, e.g. http://127.0.0.1:50052 or 127.0.0.1:50052.
    address: String,

    /// The service to ask about (e.g. copydesk.v1.Segmenter); empty: the
    /// server as a whole.
    #[arg(default_value = "")]
    service: String,

    /// Give up after this many seconds.
    #[arg(long, env = "COPYDESK_HEALTHCHECK_TIMEOUT_SECS", default_value_t = 3)]
    timeout_secs: u64,
}

pub async fn run(args: HealthcheckArgs) -> ExitCode {
    let timeout = Duration::from_secs(args.timeout_secs);
    match tokio::time::timeout(timeout, check(&args)).await {
        Ok(Ok(ServingStatus::Serving)) => {
            println!("SERVING");
            ExitCode::SUCCESS
        }
        Ok(Ok(status)) => {
            println!("{}", status.as_str_name());
            ExitCode::FAILURE
        }
        Ok(Err(error)) => {
            eprintln!("copydesk healthcheck: {error:#}");
            ExitCode::FAILURE
        }
        Err(_) => {
            eprintln!("copydesk healthcheck: no answer within {timeout:?}");
            ExitCode::FAILURE
        }
    }
}

async fn check(args: &HealthcheckArgs) -> anyhow::Result<ServingStatus> {
    let address = if args.address.contains("://") {
        args.address.clone()
    } else {
        format!("http://{}", args.address)
    };
    let channel = Endpoint::from_shared(address)?.connect().await?;
    let response = HealthClient::new(channel)
        .check(HealthCheckRequest {
            service: args.service.clone(),
        })
        .await?
        .into_inner();
    Ok(ServingStatus::try_from(response.status).unwrap_or(ServingStatus::Unknown))
}
