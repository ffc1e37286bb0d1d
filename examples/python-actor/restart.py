#!/usr/bin/env python3
"""restart.py - a custom workload in Python on the tfactor client: restarts one
node (the knob `node`, default validator-1) a second into execute, and reports
the outcome in workload.status.

States: "planned" before execute, "running" when execute starts, then
"stopped" (detail: the reply, e.g. "restart validator-1 ok") or "failed" before
it acks cooldown. The scenario needs node_control: true.
"""
import tfactor

RESTART_AFTER = 1.0            # seconds into execute


class Restart(tfactor.Actor):
    role = "workload"

    def on_start(self):
        self.reply = None          # the node.control.reply, once it came
        self.waiting = False       # cooldown waits for the reply

    def on_phase(self, phase):
        target = self.knob("node", "validator-1")
        if phase == "capture":
            self.send_status("planned", detail="restart %s after %.0f s" %
                             (target, RESTART_AFTER))
        elif phase == "execute":
            self.send_status("running")
            self.set_timer(RESTART_AFTER)
        elif phase == "cooldown":
            if self.reply is None:
                self.waiting = True
                return tfactor.PENDING          # acked when the reply comes
            self.finish()
        return tfactor.ACK

    def on_timer(self):
        self.node_control("restart", node=self.knob("node", "validator-1"),
                          callback=self.on_reply)

    def on_reply(self, reply):
        self.reply = reply
        if self.waiting:
            self.finish()
            self.phase_done()

    def finish(self):
        target = self.knob("node", "validator-1")
        if self.reply.get("ok"):
            self.send_status("stopped", submitted=1, accepted=1,
                             detail="restart %s ok" % target)
        else:
            self.send_status("failed", submitted=1, rejected=1,
                             detail="restart %s failed: %s" % (target,
                                                               self.reply.get("error")))


if __name__ == "__main__":
    raise SystemExit(Restart().run())
