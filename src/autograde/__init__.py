"""autograde: release exercise notebooks and grade submissions in a sandbox.

Run as ``python -m autograde {release,check-release,grade,describe}``; see
``book/instructor-guide.md``.  The student-facing package :mod:`mlp` never imports this
package, and this package never imports or executes student code in its own process.
"""

__version__ = "0.1.0"
