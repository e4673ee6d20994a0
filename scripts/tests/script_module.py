# SPDX-License-Identifier: GPL-2.0
"""A script of scripts/ as a module, for the tests: its file name has a
hyphen, so it cannot be imported by name."""

import importlib.util
import os

SCRIPTS = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def load(name, filename):
    """scripts/FILENAME, imported as module NAME"""
    spec = importlib.util.spec_from_file_location(name, os.path.join(SCRIPTS, filename))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
