//! `sslmode` from `DATABASE_URL` is honoured: a server that accepts only TLS, with a
//! certificate from a private CA. `require` connects when dibs is given the CA and refuses
//! (saying why) when it cannot verify the server; `disable` is not let in by the server.

use std::os::unix::fs::MetadataExt;
use std::path::Path;
use std::process::Command;

use dibs::local::{Durability, LocalCluster};

fn openssl(dir: &Path, args: &[&str]) {
    let output = Command::new("openssl")
        .args(args)
        .current_dir(dir)
        .output()
        .expect("openssl is installed (it ships with PostgreSQL's packages)");
    assert!(
        output.status.success(),
        "openssl {args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

fn dibs(url: &str, ca: Option<&Path>) -> (bool, String) {
    let mut command = Command::new(env!("CARGO_BIN_EXE_dibs"));
    command
        .arg("migrate")
        .env("DATABASE_URL", url)
        .env("LANG", "C.UTF-8")
        .env("XDG_STATE_HOME", std::env::temp_dir())
        .env(
            "XDG_CONFIG_HOME",
            std::env::temp_dir().join("dibs-no-config"),
        )
        .env_remove("PGSSLROOTCERT")
        .env_remove("DIBS_SSL_ROOT_CERT");
    if let Some(ca) = ca {
        command.env("DIBS_SSL_ROOT_CERT", ca);
    }
    let output = command.output().expect("run dibs");
    (
        output.status.success(),
        format!(
            "{}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        ),
    )
}

#[test]
fn sslmode_require_verifies_the_server_and_disable_stays_out() {
    let dir = tempfile::Builder::new()
        .prefix("dibs-tls-")
        .tempdir_in("/tmp")
        .expect("temp dir");
    let certs = dir.path().join("certs");
    std::fs::create_dir(&certs).expect("certs dir");
    openssl(
        &certs,
        &[
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-keyout",
            "ca.key",
            "-out",
            "ca.pem",
            "-subj",
            "/CN=dibs test CA",
            "-days",
            "2",
            "-addext",
            "basicConstraints=critical,CA:TRUE",
            "-addext",
            "keyUsage=critical,keyCertSign",
        ],
    );
    openssl(
        &certs,
        &[
            "req",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-keyout",
            "server.key",
            "-out",
            "server.csr",
            "-subj",
            "/CN=localhost",
        ],
    );
    std::fs::write(
        certs.join("ext.cnf"),
        "subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\n\
         keyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\n",
    )
    .expect("ext");
    openssl(
        &certs,
        &[
            "x509",
            "-req",
            "-in",
            "server.csr",
            "-CA",
            "ca.pem",
            "-CAkey",
            "ca.key",
            "-CAcreateserial",
            "-out",
            "server.pem",
            "-days",
            "2",
            "-extfile",
            "ext.cnf",
        ],
    );

    let port = free_port();
    let cluster = LocalCluster::locate(dir.path().join("cluster"), port).expect("PostgreSQL");
    cluster.init(Durability::Throwaway).expect("initdb");
    // The server reads its key only if it owns it (mode 0600): copy both into the data
    // directory as the data directory's owner.
    let pgdata = cluster.pgdata();
    let owner = std::fs::metadata(&pgdata).expect("pgdata");
    for file in ["server.pem", "server.key"] {
        let target = pgdata.join(file);
        std::fs::copy(certs.join(file), &target).expect("copy");
        std::os::unix::fs::chown(&target, Some(owner.uid()), Some(owner.gid())).expect("chown");
        std::fs::set_permissions(&target, std::os::unix::fs::PermissionsExt::from_mode(0o600))
            .expect("chmod");
    }
    let append = |file: &str, text: &str| {
        use std::io::Write;
        std::fs::OpenOptions::new()
            .append(true)
            .open(pgdata.join(file))
            .and_then(|mut f| f.write_all(text.as_bytes()))
            .expect("append");
    };
    append(
        "postgresql.conf",
        "\nlisten_addresses = '127.0.0.1'\nssl = on\nssl_cert_file = 'server.pem'\nssl_key_file = 'server.key'\n",
    );
    // TLS only over TCP: a plain connection finds no matching line.
    std::fs::write(
        pgdata.join("pg_hba.conf"),
        "local all all trust\nhostssl all all 127.0.0.1/32 trust\n",
    )
    .expect("pg_hba.conf");
    cluster.start().expect("start with TLS");
    struct Stop<'a>(&'a LocalCluster);
    impl Drop for Stop<'_> {
        fn drop(&mut self) {
            let _ = self.0.stop(true);
        }
    }
    let _stop = Stop(&cluster);

    let url =
        |mode: &str| format!("host=127.0.0.1 port={port} user=dibs dbname=postgres sslmode={mode}");
    let ca = certs.join("ca.pem");
    let (ok, text) = dibs(&url("require"), Some(&ca));
    assert!(ok, "require with the CA connects: {text}");
    assert!(text.contains("schema is at version"), "{text}");

    let (ok, text) = dibs(&url("require"), None);
    assert!(!ok, "an unverifiable server is refused: {text}");
    assert!(
        text.to_lowercase().contains("certificate"),
        "the message names the certificate: {text}"
    );
    assert!(!text.contains("panicked"), "{text}");

    let (ok, text) = dibs(&url("disable"), Some(&ca));
    assert!(!ok, "plain text is not let in: {text}");
    assert!(
        text.contains("no encryption") || text.contains("pg_hba"),
        "{text}"
    );
}
