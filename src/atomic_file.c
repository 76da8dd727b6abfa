/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <errno.h>
#include <libgen.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "atomic_file.h"

/* While a temporary file exists, a signal that ends the program removes it
 * first; a write past the file-size limit fails (EFBIG) instead of killing
 * the program, so the usual error path removes it.  One save at a time. */
static char pending[4096 + 32];
static volatile sig_atomic_t have_pending;
static const int fatal[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT };
static struct sigaction saved[sizeof fatal / sizeof fatal[0]], saved_xfsz;

static void on_fatal(int sig)
{
	if (have_pending)
		unlink(pending);
	have_pending = 0;
	for (size_t i = 0; i < sizeof fatal / sizeof fatal[0]; i++)
		if (fatal[i] == sig)
			sigaction(sig, &saved[i], NULL);
	raise(sig);
}

static void guard(const char *tmp)
{
	struct sigaction sa, ign;
	snprintf(pending, sizeof pending, "%s", tmp);
	have_pending = 1;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_fatal;
	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < sizeof fatal / sizeof fatal[0]; i++) {
		sigaction(fatal[i], NULL, &saved[i]);
		/* a signal the program ignores stays ignored */
		if (saved[i].sa_handler != SIG_IGN)
			sigaction(fatal[i], &sa, NULL);
	}
	memset(&ign, 0, sizeof ign);
	ign.sa_handler = SIG_IGN;
	sigaction(SIGXFSZ, &ign, &saved_xfsz);
}

static void unguard(void)
{
	have_pending = 0;
	for (size_t i = 0; i < sizeof fatal / sizeof fatal[0]; i++)
		if (saved[i].sa_handler != SIG_IGN)
			sigaction(fatal[i], &saved[i], NULL);
	sigaction(SIGXFSZ, &saved_xfsz, NULL);
}

int atomic_open(struct atomic_file *af, const char *path, char *err, size_t errlen)
{
	char dir[sizeof af->path];
	struct stat st;

	memset(af, 0, sizeof *af);
	if (strlen(path) >= sizeof af->path) {
		snprintf(err, errlen, "%.40s...: path too long", path);
		return -1;
	}
	if (stat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
		snprintf(err, errlen, "%s: not a regular file; nothing written", path);
		return -1;
	}
	snprintf(af->path, sizeof af->path, "%s", path);
	snprintf(dir, sizeof dir, "%s", path);
	snprintf(af->tmp, sizeof af->tmp, "%s/.moescope-XXXXXX", dirname(dir));
	int fd = mkstemp(af->tmp);
	if (fd < 0) {
		snprintf(err, errlen, "%s: cannot create a file beside it: %s", path, strerror(errno));
		return -1;
	}
	/* mkstemp makes 0600: a new file gets what the umask allows, a file
	 * replaced keeps its mode and, where allowed, its owner and group */
	mode_t mask = umask(0);
	umask(mask);
	bool existed = stat(path, &st) == 0;
	if (fchmod(fd, existed ? st.st_mode & 07777 : 0666 & ~mask) != 0) {
		/* not fatal: the file is only less readable */
	}
	if (existed && fchown(fd, st.st_uid, st.st_gid) != 0) {
		/* not ours to give away: it stays ours, as a new file would */
	}
	af->f = fdopen(fd, "w");
	if (!af->f) {
		snprintf(err, errlen, "%s: %s", af->tmp, strerror(errno));
		close(fd);
		unlink(af->tmp);
		return -1;
	}
	guard(af->tmp);
	return 0;
}

int atomic_commit(struct atomic_file *af, char *err, size_t errlen)
{
	int rc = 0;

	if (ferror(af->f) || fflush(af->f) != 0 || fsync(fileno(af->f)) != 0) {
		snprintf(err, errlen, "%s: %s", af->path, errno ? strerror(errno) : "write error");
		rc = -1;
	}
	if (fclose(af->f) != 0 && rc == 0) {
		snprintf(err, errlen, "%s: %s", af->path, strerror(errno));
		rc = -1;
	}
	af->f = NULL;
	if (rc == 0 && rename(af->tmp, af->path) != 0) {
		snprintf(err, errlen, "%s: %s", af->path, strerror(errno));
		rc = -1;
	}
	if (rc != 0)
		unlink(af->tmp);
	unguard();
	return rc;
}

void atomic_abort(struct atomic_file *af)
{
	if (af->f)
		fclose(af->f);
	af->f = NULL;
	unlink(af->tmp);
	unguard();
}
