//! Streaming rows into PostgreSQL with `COPY … FROM STDIN` (text format).

use bytes::Bytes;
use futures_util::SinkExt;
use tokio_postgres::{CopyInSink, Transaction};

const FLUSH_AT: usize = 1 << 20;

/// One value of a row; `None` is SQL NULL.
pub type Field<'a> = Option<&'a str>;

pub struct CopyWriter {
    sink: std::pin::Pin<Box<CopyInSink<Bytes>>>,
    buffer: Vec<u8>,
    rows: u64,
}

impl CopyWriter {
    /// Starts `COPY table (columns) FROM STDIN`.
    pub async fn start(
        tx: &Transaction<'_>,
        table: &str,
        columns: &[&str],
    ) -> Result<Self, tokio_postgres::Error> {
        let statement = format!("copy {table} ({}) from stdin", columns.join(", "));
        let sink = tx.copy_in(&statement).await?;
        Ok(CopyWriter {
            sink: Box::pin(sink),
            buffer: Vec::with_capacity(FLUSH_AT + 4096),
            rows: 0,
        })
    }

    pub async fn row(&mut self, fields: &[Field<'_>]) -> Result<(), tokio_postgres::Error> {
        for (index, field) in fields.iter().enumerate() {
            if index > 0 {
                self.buffer.push(b'\t');
            }
            match field {
                None => self.buffer.extend_from_slice(b"\\N"),
                Some(value) => escape_into(&mut self.buffer, value),
            }
        }
        self.buffer.push(b'\n');
        self.rows += 1;
        if self.buffer.len() >= FLUSH_AT {
            let chunk = Bytes::from(std::mem::take(&mut self.buffer));
            self.buffer.reserve(FLUSH_AT + 4096);
            self.sink.send(chunk).await?;
        }
        Ok(())
    }

    pub async fn finish(mut self) -> Result<u64, tokio_postgres::Error> {
        if !self.buffer.is_empty() {
            let chunk = Bytes::from(std::mem::take(&mut self.buffer));
            self.sink.send(chunk).await?;
        }
        self.sink.as_mut().finish().await
    }
}

/// COPY text format: backslash, tab, newline and carriage return must be escaped.
fn escape_into(buffer: &mut Vec<u8>, value: &str) {
    for byte in value.bytes() {
        match byte {
            b'\\' => buffer.extend_from_slice(b"\\\\"),
            b'\t' => buffer.extend_from_slice(b"\\t"),
            b'\n' => buffer.extend_from_slice(b"\\n"),
            b'\r' => buffer.extend_from_slice(b"\\r"),
            other => buffer.push(other),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::escape_into;

    #[test]
    fn special_characters_are_escaped() {
        let mut buffer = Vec::new();
        escape_into(&mut buffer, "a\tb\\c\nd 华为");
        assert_eq!(
            String::from_utf8(buffer).expect("utf8"),
            "a\\tb\\\\c\\nd 华为"
        );
    }
}
