package dev.factorhealer.bench;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * One keep-alive HTTP/1.1 connection to the hook, used by one thread at a time: a few dozen lines
 * of blocking socket code instead of {@link java.net.http.HttpClient}, so that the load generator
 * takes as little of the machine's two cores as possible. Reconnects when the server closes the
 * connection ({@code Connection: close}, Tomcat's 100 requests per connection) and before
 * reusing one that sat idle longer than 3 s (Tomcat drops idle ones after 5 s).
 */
final class HookConnection implements AutoCloseable {

	private static final long IDLE_NANOS = TimeUnit.SECONDS.toNanos(3);

	private final InetSocketAddress address;

	private final byte[] head;

	private Socket socket;

	private InputStream in;

	private OutputStream out;

	private long lastUsed;

	HookConnection(String host, int port, String path, String secret) {
		this.address = new InetSocketAddress(host, port);
		this.head = ("POST " + path + " HTTP/1.1\r\nHost: " + host + ":" + port + "\r\nAuthorization: " + secret
				+ "\r\nContent-Type: application/json\r\nContent-Length: ").getBytes(StandardCharsets.US_ASCII);
	}

	/** Connects now rather than at the first {@link #post}. */
	void open() throws IOException {
		connect();
		this.lastUsed = System.nanoTime();
	}

	/** Sends the delivery and returns the answer's status. */
	int post(byte[] body) throws IOException {
		if (this.socket == null || System.nanoTime() - this.lastUsed > IDLE_NANOS) {
			connect();
		}
		try {
			byte[] length = (body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
			byte[] request = new byte[this.head.length + length.length + body.length];
			System.arraycopy(this.head, 0, request, 0, this.head.length);
			System.arraycopy(length, 0, request, this.head.length, length.length);
			System.arraycopy(body, 0, request, this.head.length + length.length, body.length);
			this.out.write(request);
			this.out.flush();
			int status = readAnswer();
			this.lastUsed = System.nanoTime();
			return status;
		}
		catch (IOException ex) {
			close();
			throw ex;
		}
	}

	private void connect() throws IOException {
		close();
		Socket socket = new Socket();
		socket.setTcpNoDelay(true);
		socket.setSoTimeout(10_000);
		socket.connect(this.address, 5_000);
		this.socket = socket;
		this.in = new BufferedInputStream(socket.getInputStream(), 8192);
		this.out = socket.getOutputStream();
	}

	private int readAnswer() throws IOException {
		String statusLine = line();
		if (!statusLine.startsWith("HTTP/1.1 ") || statusLine.length() < 12) {
			throw new IOException("not an HTTP/1.1 answer: " + statusLine);
		}
		int status = Integer.parseInt(statusLine.substring(9, 12));
		long length = -1;
		boolean chunked = false;
		boolean close = false;
		String header;
		while (!(header = line()).isEmpty()) {
			int colon = header.indexOf(':');
			if (colon < 0) {
				continue;
			}
			String name = header.substring(0, colon).trim();
			String value = header.substring(colon + 1).trim();
			if (name.equalsIgnoreCase("Content-Length")) {
				length = Long.parseLong(value);
			}
			else if (name.equalsIgnoreCase("Transfer-Encoding") && value.equalsIgnoreCase("chunked")) {
				chunked = true;
			}
			else if (name.equalsIgnoreCase("Connection") && value.equalsIgnoreCase("close")) {
				close = true;
			}
		}
		if (chunked) {
			long chunk;
			while ((chunk = Long.parseLong(line().split(";")[0].trim(), 16)) > 0) {
				skip(chunk + 2);
			}
			while (!line().isEmpty()) {
				// trailers
			}
		}
		else if (length > 0) {
			skip(length);
		}
		else if (length < 0) {
			close = true;
			while (this.in.read() >= 0) {
				// body until the server closes
			}
		}
		if (close) {
			close();
		}
		return status;
	}

	private String line() throws IOException {
		StringBuilder line = new StringBuilder(64);
		int c;
		while ((c = this.in.read()) != '\n') {
			if (c < 0) {
				throw new EOFException("the server closed the connection");
			}
			if (c != '\r') {
				line.append((char) c);
			}
		}
		return line.toString();
	}

	private void skip(long bytes) throws IOException {
		long left = bytes;
		while (left > 0) {
			long skipped = this.in.skip(left);
			if (skipped <= 0) {
				if (this.in.read() < 0) {
					throw new EOFException("the server closed the connection");
				}
				skipped = 1;
			}
			left -= skipped;
		}
	}

	@Override
	public void close() {
		if (this.socket != null) {
			try {
				this.socket.close();
			}
			catch (IOException ex) {
				// closing anyway
			}
			this.socket = null;
		}
	}

}
