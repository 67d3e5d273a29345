#!/usr/bin/python3
"""The HTTP server feed_fetch_test talks to: each path is one way a site answers a feed
reader. Listens on 127.0.0.1, on the port given (0: any free one), and prints the port it
got on its first line. Stopped by the test (SIGTERM)."""
import gzip
import http.server
import sys
import time
import zlib

FEED = b'<?xml version="1.0"?><rss version="2.0"><channel><title>Feed</title></channel></rss>'
ETAG = '"v1"'
LAST_MODIFIED = 'Tue, 01 Dec 2026 10:00:00 GMT'


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = 'HTTP/1.1'

    def log_message(self, *args):
        pass

    def answer(self, status, body=b'', headers=()):
        self.send_response(status)
        for name, value in headers:
            self.send_header(name, value)
        self.send_header('Content-Length', str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def redirect(self, location):
        self.answer(302, b'moved', [('Location', location)])

    def endless(self, headers):
        self.send_response(200)
        for name, value in headers:
            self.send_header(name, value)
        self.send_header('Connection', 'close')
        self.end_headers()
        chunk = b'<item>' + b'x' * 4090 + b'</item>'
        try:
            while True:
                self.wfile.write(chunk)
        except OSError:
            pass

    def do_GET(self):
        path = self.path
        host = self.headers.get('Host', '')
        if path == '/feed':
            if self.headers.get('If-None-Match') == ETAG:
                self.send_response(304)
                self.send_header('ETag', ETAG)
                self.end_headers()
                return
            self.answer(200, FEED, [('Content-Type', 'application/rss+xml; charset=utf-8'),
                                    ('ETag', ETAG), ('Last-Modified', LAST_MODIFIED)])
        elif path == '/since':
            if self.headers.get('If-Modified-Since') == LAST_MODIFIED:
                self.send_response(304)
                self.end_headers()
                return
            self.answer(200, FEED, [('Last-Modified', LAST_MODIFIED)])
        elif path == '/headers':
            text = ''.join(f'{name}: {value}\n' for name, value in self.headers.items())
            self.answer(200, text.encode(), [('Content-Type', 'text/plain')])
        elif path == '/gzip':
            self.answer(200, gzip.compress(FEED), [('Content-Encoding', 'gzip'),
                                                   ('Content-Type', 'application/rss+xml')])
        elif path == '/deflate':
            self.answer(200, zlib.compress(FEED), [('Content-Encoding', 'deflate')])
        elif path == '/gone':
            self.answer(410, b'gone')
        elif path == '/busy':
            self.answer(429, b'slow down', [('Retry-After', '120')])
        elif path == '/busy-date':
            self.answer(503, b'later', [('Retry-After', 'Thu, 03 Dec 2026 20:00:00 GMT')])
        elif path == '/busy-unreadable':
            self.answer(503, b'later', [('Retry-After', 'soon')])
        elif path == '/missing':
            self.answer(404, b'<html>no such page</html>' * 1000)
        elif path == '/broken':
            self.answer(500, b'oops')
        elif path == '/endless':
            self.endless([])
        elif path == '/endless-gzip':
            # A gzip bomb: a few kilobytes that decompress to 10 MB, with a true
            # Content-Length for the compressed bytes.
            body = gzip.compress(b' ' * 10_000_000)
            self.answer(200, body, [('Content-Encoding', 'gzip')])
        elif path == '/long-length':
            # Says it is 100 MB, then sends for ever.
            self.endless([('Content-Length', '100000000')])
        elif path == '/short-length':
            # Says it is 500 bytes, then sends for ever: only the 500 are the body.
            self.endless([('Content-Length', '500')])
        elif path == '/loop':
            self.redirect('/loop')
        elif path.startswith('/hops/'):
            left = int(path.rsplit('/', 1)[1])
            self.redirect(f'/hops/{left - 1}' if left > 0 else '/feed')
        elif path == '/to-file':
            self.redirect('file:///etc/passwd')
        elif path == '/to-other-loopback':
            port = host.rsplit(':', 1)[1]
            self.redirect(f'http://127.0.0.2:{port}/feed')
        elif path == '/to-metadata':
            self.redirect('http://169.254.169.254/latest/meta-data/')
        elif path == '/slow':
            time.sleep(5)
            self.answer(200, FEED)
        else:
            self.answer(404, b'no such path')


class Server(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        pass  # a client that hangs up mid-body is what several tests do


def main():
    port = int(sys.argv[1]) if len(sys.argv) > 1 else 0
    server = Server(('127.0.0.1', port), Handler)
    print(server.server_address[1], flush=True)
    server.serve_forever()


if __name__ == '__main__':
    main()
