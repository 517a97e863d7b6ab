//! The load driver's HTTP/1.1 client: one keep-alive connection, a request written whole, the answer read by
//! its `Content-Length`. Lighter than a general client (the driver shares the machine's cores with the server
//! it measures), and enough for servers that answer with sized bodies, as the gateway and baselines do.
use std::io;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// The start of a read buffer; it grows to the largest answer seen.
const INITIAL_BUFFER: usize = 4096;

/// An open connection.
pub struct Connection {
    stream: TcpStream,
    buffer: Vec<u8>,
}

/// What came back for one request.
pub struct Answer {
    pub status: u16,
    /// False when the server said `Connection: close`.
    pub keep_alive: bool,
    /// The body's length.
    pub body_bytes: usize,
}

impl Connection {
    pub async fn open(host: &str) -> io::Result<Connection> {
        let stream = TcpStream::connect(host).await?;
        stream.set_nodelay(true)?;
        Ok(Connection {
            stream,
            buffer: Vec::with_capacity(INITIAL_BUFFER),
        })
    }

    /// Sends `request` (a whole HTTP/1.1 request) and reads the answer's head and body.
    pub async fn exchange(&mut self, request: &[u8]) -> io::Result<Answer> {
        self.stream.write_all(request).await?;
        self.buffer.clear();
        let head_end = loop {
            if let Some(end) = memchr::memmem::find(&self.buffer, b"\r\n\r\n") {
                break end + 4;
            }
            self.fill().await?;
        };
        let head = Head::parse(&self.buffer[..head_end])?;
        while self.buffer.len() < head_end + head.content_length {
            self.fill().await?;
        }
        Ok(Answer {
            status: head.status,
            keep_alive: !head.close,
            body_bytes: head.content_length,
        })
    }

    /// Reads what the socket has into the buffer's spare room (growing it when full).
    async fn fill(&mut self) -> io::Result<()> {
        if self.buffer.len() == self.buffer.capacity() {
            self.buffer
                .reserve(self.buffer.capacity().max(INITIAL_BUFFER));
        }
        if self.stream.read_buf(&mut self.buffer).await? == 0 {
            return Err(io::ErrorKind::UnexpectedEof.into());
        }
        Ok(())
    }
}

/// The parts of a response head the driver needs.
struct Head {
    status: u16,
    content_length: usize,
    close: bool,
}

impl Head {
    fn parse(head: &[u8]) -> io::Result<Head> {
        let invalid = |what: &str| io::Error::new(io::ErrorKind::InvalidData, what.to_owned());
        let text = std::str::from_utf8(head).map_err(|_| invalid("response head is not UTF-8"))?;
        let mut lines = text.split("\r\n");
        let status = lines
            .next()
            .and_then(|line| line.split(' ').nth(1))
            .and_then(|code| code.parse().ok())
            .ok_or_else(|| invalid("no status line"))?;
        let (mut content_length, mut close) = (None, false);
        for line in lines {
            let Some((name, value)) = line.split_once(':') else {
                continue;
            };
            let value = value.trim();
            if name.eq_ignore_ascii_case("content-length") {
                content_length = value.parse().ok();
            } else if name.eq_ignore_ascii_case("connection") {
                close = value.eq_ignore_ascii_case("close");
            }
        }
        let content_length = content_length
            .ok_or_else(|| invalid("no Content-Length (chunked answers are not read)"))?;
        Ok(Head {
            status,
            content_length,
            close,
        })
    }
}

/// A `POST` of a JSON body to `path` on `host`.
pub fn post_json(host: &str, path: &str, body: &[u8]) -> Vec<u8> {
    let mut request = format!(
        "POST {path} HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n",
        body.len()
    )
    .into_bytes();
    request.extend_from_slice(body);
    request
}
