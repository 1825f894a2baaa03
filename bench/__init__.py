"""SleepPlayer benchmarks: figures beside bare libVLC and bare PySide6. Run ``python -m bench``."""
