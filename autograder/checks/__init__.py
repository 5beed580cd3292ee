"""Small, typed checks of live Docker state for the course's notebooks and grader.

from autograder.checks import require, ImageExists, ContainerRunning
require(ImageExists("study/hello:1.0"), ContainerRunning("hello1"))
"""

from .answers import Answer, Computed
from .archive import SavedTar
from .base import Check, CheckResult, Results, check, client, require
from .containers import (
    ContainerAbsent,
    ContainerExists,
    ContainerFromImage,
    ContainerRunning,
    DiffHas,
    FileInContainer,
    PortPublished,
)
from .http import HttpReply
from .images import (
    CommitOnTop,
    FileInImage,
    FileInLayer,
    ImageAbsent,
    ImageConfig,
    ImageExists,
    LayersExtend,
    NoLayerHas,
    RunsAs,
    RunsAsNonRoot,
    SharedLayers,
    TagsShareId,
)
from .volumes import HostFile, VolumeExists, VolumeFile

__all__ = [
    "Answer",
    "Check",
    "CheckResult",
    "CommitOnTop",
    "Computed",
    "ContainerAbsent",
    "ContainerExists",
    "ContainerFromImage",
    "ContainerRunning",
    "DiffHas",
    "FileInContainer",
    "FileInImage",
    "FileInLayer",
    "HostFile",
    "HttpReply",
    "ImageAbsent",
    "ImageConfig",
    "ImageExists",
    "LayersExtend",
    "NoLayerHas",
    "PortPublished",
    "Results",
    "RunsAs",
    "RunsAsNonRoot",
    "SavedTar",
    "SharedLayers",
    "TagsShareId",
    "VolumeExists",
    "VolumeFile",
    "check",
    "client",
    "require",
]
