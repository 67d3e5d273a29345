"""What the scripted SMTP servers of the tests share: listening on 127.0.0.1."""

import asyncio


async def listen(session):
    """Serves `session` (asyncio's reader, writer callback) on 127.0.0.1 at a free port,
    printing "PORT N" once it listens, until the process is stopped."""
    server = await asyncio.start_server(session, "127.0.0.1", 0)
    print(f"PORT {server.sockets[0].getsockname()[1]}", flush=True)
    async with server:
        await server.serve_forever()
