"""Small, typed checks of live Docker state for the course's notebooks and grader.

from autograder.checks import require, ImageExists, ContainerRunning
require(ImageExists("study/hello:1.0"), ContainerRunning("hello1"))
"""

from .answers import Answer, Computed
from .archive import ConfigBytes, IsConfigDigest, LoadedFromTar, SavedTar
from .base import Check, CheckResult, Results, check, client, require
from .containers import (
    ContainerAbsent,
    ContainerExists,
    ContainerFromImage,
    ContainerRunning,
    CopiedFromContainer,
    DiffHas,
    FileInContainer,
    PortPublished,
)
from .history import ContainerLifecycle, LoadedAfterRemoval, ReplacedImageRemoved, previous_id
from .http import HttpReply
from .images import (
    FileInImage,
    FileInImageLacks,
    ImageAbsent,
    ImageConfig,
    ImageExists,
    ImageMadeHere,
    RunsAs,
    RunsAsNonRoot,
    TagsShareId,
)
from .layers import (
    CommitOnTop,
    FileInLayer,
    LayersExtend,
    NoLayerHas,
    OnlyTopLayerDiffers,
    SharedLayers,
    ValueFromLayer,
)
from .lifecycle import ExportedTar, RestartedKeepsFile
from .volumes import HostFile, MountedAt, VolumeExists, VolumeFile

__all__ = [
    "Answer",
    "Check",
    "CheckResult",
    "CommitOnTop",
    "Computed",
    "ConfigBytes",
    "ContainerAbsent",
    "ContainerExists",
    "ContainerFromImage",
    "ContainerLifecycle",
    "ContainerRunning",
    "CopiedFromContainer",
    "DiffHas",
    "ExportedTar",
    "FileInContainer",
    "FileInImage",
    "FileInImageLacks",
    "FileInLayer",
    "HostFile",
    "HttpReply",
    "ImageAbsent",
    "ImageConfig",
    "ImageExists",
    "ImageMadeHere",
    "IsConfigDigest",
    "LayersExtend",
    "LoadedAfterRemoval",
    "LoadedFromTar",
    "MountedAt",
    "NoLayerHas",
    "OnlyTopLayerDiffers",
    "PortPublished",
    "ReplacedImageRemoved",
    "RestartedKeepsFile",
    "Results",
    "RunsAs",
    "RunsAsNonRoot",
    "SavedTar",
    "SharedLayers",
    "TagsShareId",
    "ValueFromLayer",
    "VolumeExists",
    "VolumeFile",
    "check",
    "client",
    "previous_id",
    "require",
]
