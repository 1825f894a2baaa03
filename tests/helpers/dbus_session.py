"""A private D-Bus session bus for tests: our own ``dbus-daemon``, in a temporary folder.

Nothing here touches the user's session bus. The policy lets the bus's own user own any name
and monitor (``dbus-monitor``), as a desktop session bus does.
"""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from pathlib import Path

BUS_CONFIG = """<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:dir={directory}</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
"""


@dataclass
class PrivateBus:
    """A running ``dbus-daemon`` and the address to reach it."""

    address: str
    directory: Path
    process: subprocess.Popen[str]

    @classmethod
    def start(cls, directory: Path) -> PrivateBus:
        config = directory / "bus.conf"
        config.write_text(BUS_CONFIG.format(directory=directory))
        process = subprocess.Popen(
            ["dbus-daemon", f"--config-file={config}", "--print-address=1", "--nofork"],
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        assert process.stdout is not None
        address = process.stdout.readline().strip()  # printed once it listens
        if not address.startswith("unix:"):
            process.kill()
            process.wait(5)
            raise RuntimeError("dbus-daemon did not start")
        return cls(address, directory, process)

    @property
    def env(self) -> dict[str, str]:
        """What a client process needs to use this bus as its session bus."""
        return {"DBUS_SESSION_BUS_ADDRESS": self.address}

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(5)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(5)
        if self.process.stdout is not None:
            self.process.stdout.close()
