#!/usr/bin/env python3
"""blocks.py - a custom expectation in Python on the tfactor client: follows the
block feed and wants at least min_blocks blocks (a knob, default 1).

Its verdict carries details: {"blocks", "max_height"}. docs/actors.md walks
through it; python-actor.yaml runs it with restart.py on two local nodes.
"""
import tfactor


class Blocks(tfactor.Actor):
    role = "expectation"
    feed_topics = ("feed.block",)

    def on_start(self):
        self.blocks = 0
        self.max_height = 0

    def on_feed(self, topic, body):
        if topic == "feed.block":
            self.blocks += 1
            self.max_height = max(self.max_height, body.get("height", 0))

    def on_phase(self, phase):
        if phase == "evaluate":
            wanted = self.knob("min_blocks", 1)
            self.send_result(self.blocks >= wanted,
                             "%d blocks seen, at least %d wanted" % (self.blocks, wanted),
                             {"blocks": self.blocks, "max_height": self.max_height})
        return tfactor.ACK


if __name__ == "__main__":
    raise SystemExit(Blocks().run())
