"""Dependencies: the installed set is consistent (`pip check`). The vulnerability audit needs
the network (`tools/audit.sh`, see the README) and is not part of the test suite."""

import subprocess
import sys


def test_pip_check_is_clean():
    result = subprocess.run(
        [sys.executable, "-m", "pip", "check"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
