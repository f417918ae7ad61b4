//! The real Cosmian CLI (`ckms`, non-fips), built beside the server so the two
//! share one compilation: the tests check Azure KEKs and `.byok` files both ways.
//!
//! `byok-ckms --wrapper-version` prints the wrapped CLI version so installers
//! can skip a rebuild; every other argument is the CLI's own.

const CLI_VERSION: &str = "5.28.0";

fn main() {
    if std::env::args().nth(1).as_deref() == Some("--wrapper-version") {
        println!("byok-ckms {CLI_VERSION}");
        return;
    }
    // As ckms's own main: a large stack for deeply nested KMIP structures.
    let outcome = std::thread::Builder::new()
        .name("ckms-main".into())
        .stack_size(32 * 1024 * 1024)
        .spawn(|| {
            tokio::runtime::Builder::new_multi_thread()
                .enable_all()
                .thread_stack_size(16 * 1024 * 1024)
                .build()
                .map_err(|e| e.to_string())?
                .block_on(ckms::ckms_main())
                .map_err(|e| e.to_string())
        })
        .expect("start the ckms thread")
        .join();
    match outcome {
        Ok(Ok(())) => {}
        Ok(Err(e)) => {
            eprintln!("ERROR: {e}");
            std::process::exit(1);
        }
        Err(_) => {
            eprintln!("ERROR: panic in ckms");
            std::process::exit(1);
        }
    }
}
