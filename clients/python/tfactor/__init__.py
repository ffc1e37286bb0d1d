"""tfactor - write a tf actor in Python.

The protocol of proto/PROTOCOL.md, done once: hello until welcomed, the plan
and the node list, phases with their acks (again when a broadcast repeats),
heartbeats, the block feed (in a replay, whole before cooldown and evaluate:
they wait for feed.end), node control with replies matched by req_id,
workload.status, an expectation's expect.result, and exit on done or when the
coordinator falls silent. Needs pyzmq and msgpack (Debian: python3-zmq
python3-msgpack). An actor on another host joins a `tf run --listen` run with
TF_JOIN (the run's run.json) and TF_CERT (its .cert_secret; pyzmq with CURVE).

An actor subclasses Actor, overrides the handlers it needs, and calls run():

    import tfactor

    class Blocks(tfactor.Actor):
        feed_topics = ("feed.block",)

        def on_start(self):
            self.blocks = 0

        def on_feed(self, topic, body):
            self.blocks += 1

        def on_phase(self, phase):
            if phase == "evaluate":
                self.send_result(self.blocks > 0, "%d blocks" % self.blocks,
                                 {"blocks": self.blocks})
            return tfactor.ACK

    if __name__ == "__main__":
        raise SystemExit(Blocks().run())

docs/actors.md ("Writing an actor") walks through a complete one.
"""
import itertools
import json
import os
import sys
import time

import msgpack
import zmq

VERSION = 1                    # "v" of every body
HELLO_INTERVAL = 0.2           # seconds between hellos until welcomed
WELCOME_TIMEOUT = 30.0         # give up if never welcomed
MAX_TOPIC = 64                 # longest topic frame, bytes
FEED_END_WAIT = 10.0           # longest a replay's cooldown/evaluate waits for feed.end
PHASES = ("register", "deploy", "capture", "execute", "cooldown", "evaluate",
          "cleanup", "done")

ACK = "ack"                    # on_phase: done with the phase, acknowledge now
PENDING = "pending"            # on_phase: will call phase_done() later

EXIT_OK = 0                    # the run ended normally
EXIT_USAGE = 2                 # bad environment
EXIT_ERROR = 3                 # never welcomed, refused, coordinator lost, failed


class ActorError(Exception):
    """Raised by a handler to fail the current phase; the run aborts naming the actor."""


def encode(topic, fields):
    """The two frames of a message: [topic][{"v": 1, fields...}] (None fields left out)."""
    body = {"v": VERSION}
    body.update({key: value for key, value in fields.items() if value is not None})
    return [topic.encode("ascii"), msgpack.packb(body, use_bin_type=True)]


def decode(frames):
    """(topic, body) of a received message, or None when it breaks section 5's rules."""
    if len(frames) != 2 or not 0 < len(frames[0]) <= MAX_TOPIC:
        return None
    try:
        body = msgpack.unpackb(frames[1], raw=False, strict_map_key=True)
        topic = frames[0].decode("ascii")
    except Exception:
        return None
    #  "v" must be the integer 1: == would also take True and 1.0, tf does not
    if not isinstance(body, dict) or type(body.get("v")) is not int or body["v"] != VERSION:
        return None
    return topic, body


class Actor:
    """One actor process. Class attributes say what it follows; handlers what it does.

    role           "expectation" or "workload" (TF_ACTOR_ROLE wins when set)
    feed_topics    feed prefixes to follow ("feed.block", "feed.tip", "feed."); empty: none
    control_topics control prefixes beyond "run." (e.g. "workload.", "tx.")
    """

    role = "expectation"
    feed_topics = ()
    control_topics = ()

    def __init__(self, environ=None):
        env = dict(os.environ if environ is None else environ)
        self._curve = None             # (server keys, own public, own secret) on tcp
        if env.get("TF_JOIN"):
            self._join(env)
        missing = [key for key in ("TF_ACTOR_NAME", "TF_CONTROL", "TF_SERVICE")
                   if not env.get(key)]
        if missing:
            raise SystemExit("tfactor: %s not set: start this actor through tf run "
                             "(or with the line tf prints, or TF_JOIN)" % ", ".join(missing))
        self.name = env["TF_ACTOR_NAME"]
        self.role = env.get("TF_ACTOR_ROLE") or self.role
        self.run_dir = env.get("TF_RUN_DIR")
        self.run_id = None             # from actor.welcome
        self.plan = None               # the plan map (docs/plan-wire.md)
        self.nodes = None              # the last run.nodes list of node_info maps
        self.phase = "register"        # the phase being handled
        self._endpoints = (env["TF_CONTROL"], env["TF_SERVICE"], env.get("TF_FEED"))
        self._seq = 0                  # seq of the last phase handled
        self._ack = None               # the last ack sent, resent on a repeat
        self._pending = False          # on_phase returned PENDING
        self._heartbeat = 0.25         # seconds, from the welcome
        self._timeout = 5.0
        self._timer_at = None          # monotonic deadline of set_timer
        self._req_ids = itertools.count(1)
        self._replies = {}             # req_id -> callback of node_control
        self._stopping = None          # exit code once the actor should stop
        self._feed_ended = False       # a replay's feed.end arrived (or its wait ran out)
        self._held = None              # run.phase body waiting for feed.end
        self._held_until = None        # monotonic end of that wait
        self._ctx = None

    def _join(self, env):
        """TF_JOIN: the run's run.json gives the endpoints not set otherwise and,
        on tcp, the servers' CURVE keys; TF_CERT is the actor's .cert_secret."""
        path = env["TF_JOIN"]
        try:
            with open(path) as handle:
                run = json.load(handle)
            endpoints = run["endpoints"]
            for key, name in (("TF_CONTROL", "control"), ("TF_SERVICE", "service"),
                              ("TF_FEED", "feed")):
                if not env.get(key) and endpoints.get(name):
                    env[key] = endpoints[name]
        except (OSError, ValueError, KeyError, TypeError) as error:
            raise SystemExit("tfactor: TF_JOIN %s: not a run.json (%s)" % (path, error))
        keys = run.get("curve")
        if not keys:
            return
        if not env.get("TF_CERT"):
            raise SystemExit("tfactor: the run of %s listens on tcp with CURVE: TF_CERT names "
                             "the .cert_secret tf keys new wrote" % path)
        if not hasattr(zmq, "CURVE_SERVERKEY") or not zmq.has("curve"):
            raise SystemExit("tfactor: this pyzmq has no CURVE support")
        from zmq import auth as zmq_auth
        try:
            public, secret = zmq_auth.load_certificate(env["TF_CERT"])
        except (OSError, ValueError) as error:
            raise SystemExit("tfactor: TF_CERT %s: %s" % (env["TF_CERT"], error))
        if not secret:
            raise SystemExit("tfactor: TF_CERT %s has no secret key (give the .cert_secret "
                             "file)" % env["TF_CERT"])
        self._curve = (keys["coordinator"].encode(), keys["scanner"].encode(), public, secret)

    def _secure(self, sock, server):
        """On tcp: CURVE client of the coordinator (0) or the scanner (1)."""
        if self._curve is not None:
            sock.setsockopt(zmq.CURVE_SERVERKEY, self._curve[server])
            sock.setsockopt(zmq.CURVE_PUBLICKEY, self._curve[2])
            sock.setsockopt(zmq.CURVE_SECRETKEY, self._curve[3])

    # -- handlers: override what the actor needs -------------------------------

    def on_start(self):
        """Once, before the hello: make the actor's state."""

    def on_plan(self, plan):
        """The plan arrived (once). Raise ActorError to fail."""

    def on_nodes(self, nodes):
        """The deployed nodes (a list of node_info maps); again if they change."""

    def on_phase(self, phase):
        """A new phase began: return ACK or PENDING, or raise ActorError."""
        return ACK

    def on_feed(self, topic, body):
        """A record of the feed (after the plan), for the topics in feed_topics."""

    def on_message(self, topic, body):
        """Any other message: relayed records on control, errors on service."""

    def on_timer(self):
        """The timer of set_timer expired."""

    def on_stop(self):
        """The actor is stopping, on every path: release what it holds."""

    # -- what an actor can do ----------------------------------------------------

    def item(self):
        """This actor's own entry of the plan (custom actors, workloads, expectations)."""
        for key in ("custom", "workloads", "expectations"):
            for entry in (self.plan or {}).get(key) or ():
                if entry.get("name") == self.name:
                    return entry
        return None

    def knob(self, key, default=None):
        """One of this actor's knobs, or default."""
        entry = self.item() or {}
        return (entry.get("knobs") or {}).get(key, default)

    def send(self, topic, **fields):
        """Send a message to the coordinator (fields that are None are left out)."""
        self._service.send_multipart(encode(topic, fields))

    def send_result(self, passed, message, details=None):
        """An expectation's verdict (send it in evaluate, before the ack)."""
        self.log("%s: %s" % ("PASS" if passed else "FAIL", message))
        self.send("expect.result", name=self.name, passed=bool(passed), message=message,
                  details=details)

    def send_status(self, state, submitted=0, accepted=0, rejected=0, detail=None,
                    **extra):
        """A workload's workload.status: when its state changes, and a last one
        ("stopped" or "failed") before it acks cooldown."""
        self.send("workload.status", name=self.name, state=state, submitted=submitted,
                  accepted=accepted, rejected=rejected, detail=detail, **extra)

    def node_control(self, action, node=None, group=None, callback=None):
        """Ask for restart/stop/start/pause/resume (node), partition (group) or heal.
        callback(reply) gets the node.control.reply; returns the req_id."""
        req_id = "%s-%d" % (self.name, next(self._req_ids))
        self._replies[req_id] = callback
        self.send("node.control", req_id=req_id, action=action, node=node,
                  group=list(group) if group else None)
        return req_id

    def phase_done(self, ok=True, error=None):
        """Acknowledge the current phase after on_phase returned PENDING."""
        if self._pending:
            self._pending = False
            self._send_ack(ok, error)

    def set_timer(self, seconds):
        """Call on_timer in seconds (replacing an armed timer); None disarms it."""
        self._timer_at = None if seconds is None else time.monotonic() + seconds

    def log(self, text):
        """One line on stderr (tf keeps it in logs/<name>.log)."""
        print("%s: %s" % (self.name, text), file=sys.stderr, flush=True)

    # -- the loop ------------------------------------------------------------------

    def run(self):
        """Run until done (0), or until never welcomed, refused, failed or the
        coordinator falls silent (3). Returns the exit status."""
        self._ctx = zmq.Context()
        control_ep, service_ep, feed_ep = self._endpoints
        self._service = self._ctx.socket(zmq.DEALER)
        self._service.setsockopt(zmq.LINGER, 1000)      # let a last ack leave
        self._secure(self._service, 0)
        self._service.connect(service_ep)
        self._control = self._ctx.socket(zmq.SUB)
        self._control.setsockopt(zmq.RCVHWM, 0)
        for prefix in ("run.",) + tuple(self.control_topics):
            self._control.setsockopt(zmq.SUBSCRIBE, prefix.encode())
        self._secure(self._control, 0)
        self._control.connect(control_ep)
        self._feed = None
        if self.feed_topics and feed_ep:
            self._feed = self._ctx.socket(zmq.SUB)
            self._feed.setsockopt(zmq.RCVHWM, 0)
            for prefix in tuple(self.feed_topics) + ("feed.end",):   # a replay's last record
                self._feed.setsockopt(zmq.SUBSCRIBE, prefix.encode())
            self._secure(self._feed, 1)
            self._feed.connect(feed_ep)
        try:
            self.on_start()
            code = self._loop()
        finally:
            self.on_stop()
            for sock in (self._feed, self._control, self._service):
                if sock is not None:
                    sock.close()
            self._ctx.term()
        return code

    def _loop(self):
        poller = zmq.Poller()
        for sock in (self._control, self._service, self._feed):   # control first
            if sock is not None:
                poller.register(sock, zmq.POLLIN)
        started = time.monotonic()
        next_hello = started
        next_heartbeat = None
        self._last_control = started
        while self._stopping is None:
            now = time.monotonic()
            if self.run_id is None:
                if now - started > WELCOME_TIMEOUT:
                    self.log("never welcomed within %d s" % WELCOME_TIMEOUT)
                    return EXIT_ERROR
                if now >= next_hello:
                    self.send("actor.hello", name=self.name, role=self.role,
                              pid=os.getpid())
                    next_hello = now + HELLO_INTERVAL
                deadline = next_hello
            else:
                if now - self._last_control > self._timeout:
                    self.log("coordinator silent for %.1f s: exiting" % self._timeout)
                    return EXIT_ERROR
                if next_heartbeat is None or now >= next_heartbeat:
                    self.send("actor.heartbeat", name=self.name, phase=self.phase)
                    next_heartbeat = now + self._heartbeat
                deadline = min(next_heartbeat, self._last_control + self._timeout)
            if self._held_until is not None:
                if now >= self._held_until:
                    self.log("no feed.end within %d s: the replayed feed may be incomplete"
                             % FEED_END_WAIT)
                    self._release_phase()
                    continue
                deadline = min(deadline, self._held_until)
            if self._timer_at is not None:
                if now >= self._timer_at:
                    self._timer_at = None
                    self._guarded(self.on_timer)
                    continue
                deadline = min(deadline, self._timer_at)
            wait_ms = max(0, int((deadline - time.monotonic()) * 1000)) + 1
            events = dict(poller.poll(wait_ms))
            if self._control in events:
                self._on_control()
            if self._service in events:
                self._on_service()
            if self._feed is not None and self._feed in events:
                message = decode(self._feed.recv_multipart())
                if message and self.plan is not None:
                    if any(message[0].startswith(prefix) for prefix in self.feed_topics):
                        self._guarded(self.on_feed, *message)
                    if message[0] == "feed.end":
                        self._release_phase()
        return self._stopping

    def _waits_for_feed_end(self):
        """A replay's feed ends with feed.end: until then records may still come."""
        runner = ((self.plan or {}).get("run") or {}).get("runner")
        return self._feed is not None and not self._feed_ended and runner == "replay"

    def _release_phase(self):
        """The replayed feed is whole (or its wait ran out): take the held phase."""
        self._feed_ended = True
        held, self._held, self._held_until = self._held, None, None
        if held is not None:
            self._on_phase(held)

    def _on_control(self):
        message = decode(self._control.recv_multipart())
        self._last_control = time.monotonic()
        if message is None:
            return
        topic, body = message
        if topic == "run.phase":
            self._on_phase(body)
        elif topic == "run.abort":
            self.log("run aborted: %s" % body.get("reason"))
        elif topic != "run.nodes" and not topic.startswith("run."):
            self._guarded(self.on_message, topic, body)

    def _on_service(self):
        message = decode(self._service.recv_multipart())
        if message is None:
            return
        topic, body = message
        if topic == "actor.welcome":
            if body.get("name") == self.name and self.run_id is None:
                self.run_id = body.get("run_id")
                self._heartbeat = max(body.get("heartbeat_ms", 250), 1) / 1000.0
                self._timeout = body.get("timeout_ms", 5000) / 1000.0
                self._last_control = time.monotonic()
        elif topic == "run.plan":
            if self.plan is None and body.get("run_id") == self.run_id:
                self.plan = body.get("plan")
                self._guarded(self.on_plan, self.plan)
        elif topic == "run.nodes":
            self.nodes = body.get("nodes") or []
            self._guarded(self.on_nodes, self.nodes)
        elif topic == "node.control.reply":
            callback = self._replies.pop(body.get("req_id"), None)
            if callback is not None:
                self._guarded(callback, body)
            else:
                self._guarded(self.on_message, topic, body)
        elif topic == "actor.error":
            self.log("refused: %s %s" % (body.get("code"), body.get("reason")))
            if self.run_id is None:
                self._stopping = EXIT_ERROR       # refused at hello: say why and stop
        else:
            self._guarded(self.on_message, topic, body)

    def _on_phase(self, body):
        if self.plan is None or body.get("run_id") != self.run_id:
            return                                  # not ready, or not our run: it repeats
        seq, phase = body.get("seq", 0), body.get("phase")
        if type(seq) is not int or phase not in PHASES or seq < self._seq:
            return
        waits_for_nodes = phase in ("capture", "execute", "cooldown", "evaluate")
        if waits_for_nodes and self.nodes is None:
            return                                  # run.nodes comes on service: it repeats
        if seq == self._seq:
            if self._ack is not None:
                self._service.send_multipart(encode("run.phase.ack", self._ack))
            return
        if phase in ("cooldown", "evaluate") and self._waits_for_feed_end():
            self._held = body                       # PROTOCOL.md 8.7: after feed.end
            if self._held_until is None:
                self._held_until = time.monotonic() + FEED_END_WAIT
            return
        self._seq, self.phase, self._ack, self._pending = seq, phase, None, False
        if phase == "done":
            self._stopping = EXIT_OK
            return
        try:
            answer = self.on_phase(phase)
        except ActorError as error:
            self._send_ack(False, str(error))
            self._stopping = EXIT_ERROR
            return
        if answer == PENDING:
            self._pending = True
        else:
            self._send_ack(True, None)

    def _send_ack(self, ok, error):
        self._ack = {"name": self.name, "phase": self.phase, "seq": self._seq, "ok": ok}
        if error:
            self._ack["error"] = error
        self._service.send_multipart(encode("run.phase.ack", self._ack))

    def _guarded(self, handler, *args):
        """Run a handler; an ActorError fails the actor (the current phase's ack)."""
        try:
            handler(*args)
        except ActorError as error:
            self.log("failed: %s" % error)
            self._send_ack(False, str(error))
            self._stopping = EXIT_ERROR
