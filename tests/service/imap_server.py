"""A small IMAP4rev1 server on loopback, standing in for the company's mail server.

It speaks the commands Guanxi's poller sends — CAPABILITY, LOGIN, SELECT, SEARCH UNSEEN,
FETCH (RFC822), STORE +FLAGS (\\Seen), LOGOUT — over a real socket, so the poller runs
through Python's own imaplib unchanged.
"""

import socketserver
import threading
from dataclasses import dataclass, field


@dataclass
class Mailbox:
    user: str = "service@example.com"
    password: str = "mailbox-secret"
    messages: list[bytes] = field(default_factory=list)
    seen: set[int] = field(default_factory=set)

    def unseen(self) -> list[int]:
        return [n for n in range(1, len(self.messages) + 1) if n not in self.seen]


class _Handler(socketserver.StreamRequestHandler):
    mailbox: Mailbox

    def send(self, line: str) -> None:
        self.wfile.write(line.encode() + b"\r\n")

    def handle(self) -> None:
        box = self.server.mailbox  # type: ignore[attr-defined]
        self.send("* OK fake IMAP4rev1 ready")
        while line := self.rfile.readline():
            tag, command, *rest = line.decode().rstrip("\r\n").split(" ")
            command = command.upper()
            if command == "CAPABILITY":
                self.send("* CAPABILITY IMAP4rev1")
            elif command == "LOGIN":
                if [word.strip('"') for word in rest] != [box.user, box.password]:
                    self.send(f"{tag} NO [AUTHENTICATIONFAILED] wrong user or password")
                    continue
            elif command == "SELECT":
                self.send(f"* {len(box.messages)} EXISTS")
                self.send("* 0 RECENT")
                self.send(f"{tag} OK [READ-WRITE] SELECT completed")
                continue
            elif command == "SEARCH":
                self.send("* SEARCH " + " ".join(str(n) for n in box.unseen()))
            elif command == "FETCH":
                number = int(rest[0])
                raw = box.messages[number - 1]
                self.wfile.write(f"* {number} FETCH (RFC822 {{{len(raw)}}}\r\n".encode())
                self.wfile.write(raw + b")\r\n")
            elif command == "STORE":
                box.seen.add(int(rest[0]))
                self.send(f"* {rest[0]} FETCH (FLAGS (\\Seen))")
            elif command == "LOGOUT":
                self.send("* BYE logging out")
                self.send(f"{tag} OK LOGOUT completed")
                return
            self.send(f"{tag} OK {command} completed")


class ImapServer(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, mailbox: Mailbox) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.mailbox = mailbox
        self.thread = threading.Thread(target=self.serve_forever, daemon=True)

    @property
    def port(self) -> int:
        return self.server_address[1]

    def __enter__(self) -> "ImapServer":
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.shutdown()
        self.server_close()
