/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Where presets are found. */
#include "config.h"

#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "preset.h"

#define MAX_DIRS 16

static const char *const kind_dirs[PK_COUNT] = { "hardware", "models", "scenarios", "engines" };

const char *preset_kind_dir(int kind)
{
	return kind >= 0 && kind < PK_COUNT ? kind_dirs[kind] : "";
}

static bool is_dir(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* The build tree's own binaries (the program, the tests) see the source
 * tree's presets, so nothing needs installing to try them. */
static bool running_from_build_tree(void)
{
	char exe[PATH_MAX], build[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);

	if (n <= 0 || !realpath(MOESCOPE_BUILDDIR, build))
		return false;
	exe[n] = '\0';
	size_t bl = strlen(build);
	return strncmp(exe, build, bl) == 0 && exe[bl] == '/';
}

int preset_dirs(const char **dirs, int max)
{
	static char storage[MAX_DIRS][PATH_MAX];
	int n = 0;
	const char *env = getenv("MOESCOPE_PRESETS");

	if (max > MAX_DIRS)
		max = MAX_DIRS;
	if (env && *env) {
		const char *p = env;
		while (*p && n < max - 3) {
			size_t len = strcspn(p, ":");
			if (len > 0 && len < PATH_MAX) {
				memcpy(storage[n], p, len);
				storage[n][len] = '\0';
				dirs[n] = storage[n];
				n++;
			}
			p += len;
			if (*p == ':')
				p++;
		}
	}
	const char *xdg = getenv("XDG_CONFIG_HOME"), *home = getenv("HOME");
	if (xdg && *xdg && n < max)
		snprintf(storage[n], PATH_MAX, "%s/moescope/presets", xdg), dirs[n] = storage[n], n++;
	else if (home && *home && n < max)
		snprintf(storage[n], PATH_MAX, "%s/.config/moescope/presets", home), dirs[n] = storage[n], n++;
	if (n < max)
		dirs[n++] = MOESCOPE_PKGDATADIR "/presets";
	if (n < max && running_from_build_tree())
		dirs[n++] = MOESCOPE_SRCDIR "/data/presets";
	return n;
}

static bool valid_name(const char *name)
{
	if (!*name || strlen(name) >= NAME_MAX_LEN || name[0] == '.')
		return false;
	return strchr(name, '/') == NULL;
}

int preset_find(int kind, const char *name, char *path, size_t len)
{
	const char *dirs[MAX_DIRS];
	int n = preset_dirs(dirs, MAX_DIRS);

	if (!valid_name(name))
		return -1;
	for (int i = 0; i < n; i++) {
		static const char *const exts[] = { ".yaml", ".yml" };
		for (int e = 0; e < 2; e++) {
			snprintf(path, len, "%s/%s/%s%s", dirs[i], kind_dirs[kind], name, exts[e]);
			if (access(path, R_OK) == 0)
				return 0;
		}
	}
	return -1;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Names of *.yaml / *.yml in dir, sorted; the caller frees. */
static int list_dir(const char *dir, char ***out)
{
	DIR *d = opendir(dir);
	char **names = NULL;
	int n = 0, cap = 0;

	*out = NULL;
	if (!d)
		return 0;
	for (struct dirent *e; (e = readdir(d));) {
		size_t l = strlen(e->d_name);
		size_t ext = l > 5 && strcmp(e->d_name + l - 5, ".yaml") == 0 ? 5 :
			     l > 4 && strcmp(e->d_name + l - 4, ".yml") == 0 ? 4 : 0;
		if (!ext || e->d_name[0] == '.')
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 32;
			char **grown = realloc(names, (size_t)cap * sizeof *names);
			if (!grown)
				break;
			names = grown;
		}
		names[n] = strndup(e->d_name, l - ext);
		if (names[n])
			n++;
	}
	closedir(d);
	if (n > 1)   /* qsort of no array at all is undefined */
		qsort(names, (size_t)n, sizeof *names, cmp_str);
	*out = names;
	return n;
}

void preset_list(preset_visit_fn visit, void *ctx)
{
	for (int kind = 0; kind < PK_COUNT; kind++)
		preset_list_kind(kind, visit, ctx);
}

void preset_list_kind(int kind, preset_visit_fn visit, void *ctx)
{
	const char *dirs[MAX_DIRS];
	int nd = preset_dirs(dirs, MAX_DIRS);

	for (int i = 0; i < nd; i++) {
		char sub[PATH_MAX], path[PATH_MAX + NAME_MAX_LEN + 8], found[PATH_MAX + NAME_MAX_LEN + 8];
		char **names;
		snprintf(sub, sizeof sub, "%s/%s", dirs[i], kind_dirs[kind]);
		if (!is_dir(sub))
			continue;
		int n = list_dir(sub, &names);
		for (int j = 0; j < n; j++) {
			snprintf(path, sizeof path, "%s/%s.yaml", sub, names[j]);
			if (access(path, R_OK) != 0)
				snprintf(path, sizeof path, "%s/%s.yml", sub, names[j]);
			/* shown once: where the search would find it */
			if (preset_find(kind, names[j], found, sizeof found) == 0 && strcmp(found, path) == 0)
				visit(ctx, kind, names[j], path);
			free(names[j]);
		}
		free(names);
	}
}
