"""Write the Label Studio sample exports that the demo imports, one per demo project.

    .venv/bin/python docs/samples/make_label_studio_samples.py

The files come from fixed seeds (workforce/work/demo.py), so running this again writes the
same bytes; change the generator, run this, and commit the files with it.
"""

import os
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "workforce.settings")

import django  # noqa: E402

django.setup()

from workforce.work.demo import write_samples  # noqa: E402

if __name__ == "__main__":
    for path in write_samples(HERE):
        print(f"{path.relative_to(HERE.parent.parent)}: {path.stat().st_size / 1e6:.1f} MB")
