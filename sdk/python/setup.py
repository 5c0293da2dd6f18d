"""Generates the gRPC stubs from the repository's proto/ at build time.

The protos import each other as "copydesk/v1/common.proto", so the stubs
import "copydesk.v1.common_pb2": they are written into this package's
``copydesk/v1/`` in the build directory, next to the hand-written wrapper.
"""

import os
import re
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = Path(__file__).resolve().parent


def proto_root() -> Path:
    # COPYDESK_PROTO_DIR for unusual layouts; otherwise the checkout's proto/.
    for candidate in (os.environ.get("COPYDESK_PROTO_DIR"), HERE.parent.parent / "proto", HERE / "proto"):
        if candidate and (Path(candidate) / "copydesk" / "v1" / "annotator.proto").is_file():
            return Path(candidate)
    raise SystemExit(
        "copydesk: cannot find proto/copydesk/v1/*.proto; install from the repository "
        "(pip install ./sdk/python) or set COPYDESK_PROTO_DIR"
    )


def generate(out: Path) -> None:
    import grpc_tools
    from grpc_tools import protoc

    root = proto_root()
    protos = sorted(str(p.relative_to(root)) for p in (root / "copydesk" / "v1").glob("*.proto"))
    include = Path(grpc_tools.__file__).parent / "_proto"  # google/protobuf/*.proto
    out.mkdir(parents=True, exist_ok=True)
    args = ["grpc_tools.protoc", f"-I{root}", f"-I{include}", f"--python_out={out}", f"--grpc_python_out={out}", f"--pyi_out={out}", *protos]
    if protoc.main(args) != 0:
        raise SystemExit(f"copydesk: protoc failed on {protos}")
    (out / "copydesk" / "v1" / "__init__.py").write_text('"""Generated from proto/copydesk/v1 at build time."""\n')


class BuildWithStubs(build_py):
    def run(self):
        super().run()
        # Into the build tree, beside the wrapper: copydesk/v1/*.py.
        generate(Path(self.build_lib))


def workspace_version() -> str:
    """The workspace's version, from Cargo.toml's [workspace.package] (the
    one the servers report), so the wheel never carries a copy by hand. A
    source distribution has no Cargo.toml: it carries PKG-INFO instead."""
    for cargo in (HERE.parent.parent / "Cargo.toml", HERE / "Cargo.toml"):
        if cargo.is_file():
            section = re.search(r"^\[workspace\.package\]\s*$(.*?)(?=^\[|\Z)", cargo.read_text(), re.M | re.S)
            found = section and re.search(r'^version\s*=\s*"([^"]+)"', section.group(1), re.M)
            if found:
                return found.group(1)
    pkg_info = HERE / "PKG-INFO"
    if pkg_info.is_file():
        found = re.search(r"^Version: (.+)$", pkg_info.read_text(), re.M)
        if found:
            return found.group(1).strip()
    raise SystemExit("copydesk: cannot find the workspace version in ../../Cargo.toml")


def runtime_requirements():
    # The generated code checks that the protobuf runtime is at least the
    # version that generated it: require exactly that floor.
    try:
        from google.protobuf import __version__ as protobuf_version
    except ImportError:
        return ["grpcio>=1.66", "protobuf>=5.27", "charset-normalizer>=3.4,<4"]
    major, minor = protobuf_version.split(".")[:2]
    import grpc_tools  # noqa: F401  (present whenever protobuf came with it)
    from importlib.metadata import version

    return [
        f"grpcio>={version('grpcio-tools')}",
        f"protobuf>={major}.{minor},<{int(major) + 1}",
        # Detects the encoding of archive files that are not UTF-8.
        "charset-normalizer>=3.4,<4",
    ]


setup(
    cmdclass={"build_py": BuildWithStubs},
    version=workspace_version(),
    install_requires=runtime_requirements(),
    package_data={"copydesk": ["py.typed"]},
)
