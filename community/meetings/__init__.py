"""民事民议: deliberation bodies, meetings with agendas and attendance, minutes, Party review."""
