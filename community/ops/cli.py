"""The operations commands: generate, backup, restore."""

from .backup import backup_command, restore_command
from .generate import generate_command

COMMANDS = (generate_command, backup_command, restore_command)
