/*
 * target.c - a multi-threaded process with known answers for the snapshot tests.
 *
 * Each worker thread publishes, from inline assembly, what a snapshot must find: its stack
 * pointer, the address range its pc must lie in, a magic value held in r12 and pushed at the
 * top of its stack. Kinds: "block" (in a read() system call), "spin" (a busy loop), "handler"
 * (spinning inside a SIGUSR1 handler on its own stack), "altstack" (the same inside a SIGUSR2
 * handler running on a sigaltstack). A heartbeat thread wakes the blocked threads every 10 ms
 * and writes every thread's progress counter to STATUS, so a test can see that each thread
 * runs again after a snapshot. dl_iterate_phdr() (glibc's view, not ours) gives each module's
 * load bias and the vDSO's build-id.
 *
 * usage: target LAYOUT STATUS [churn]   (churn: also create and end threads continuously)
 */
#define _GNU_SOURCE
#include <elf.h>
#include <link.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#define NW 6
enum kind { K_BLOCK, K_SPIN, K_HANDLER, K_ALTSTACK };
static const char *const kind_name[] = { "block", "spin", "handler", "altstack" };

struct pub {
	volatile long tid, sp, pc_lo, pc_hi, count;
	long magic;
	int kind;
	int pipe[2];
};
static struct pub pubs[NW];
static const int kinds[NW] = { K_BLOCK, K_BLOCK, K_SPIN, K_SPIN, K_HANDLER, K_ALTSTACK };

/* Spin forever with r12 = magic and magic pushed at the top of the stack. */
static void __attribute__((noinline, noreturn)) spin(struct pub *p)
{
	__asm__ volatile("push %[magic]\n\t"
			 "mov %%rsp, %[sp]\n\t"
			 "lea 1f(%%rip), %%rax\n\t"
			 "mov %%rax, %[lo]\n\t"
			 "lea 2f(%%rip), %%rax\n\t"
			 "mov %%rax, %[hi]\n\t"
			 "mov %[magic], %%r12\n"
			 "1:\tincq %[count]\n\t"
			 "pause\n\t"
			 "jmp 1b\n"
			 "2:\n\t"
			 : [sp] "=m"(p->sp), [lo] "=m"(p->pc_lo), [hi] "=m"(p->pc_hi), [count] "+m"(p->count)
			 : [magic] "r"(p->magic)
			 : "rax", "r12", "memory");
	__builtin_unreachable();
}

/* One blocking read(fd, buf, 1) with the same published state. */
static void block_once(struct pub *p, char *buf)
{
	long ret;
	__asm__ volatile("push %[magic]\n\t"
			 "mov %%rsp, %[sp]\n\t"
			 "lea 1f(%%rip), %%rcx\n\t"
			 "mov %%rcx, %[lo]\n\t"
			 "lea 2f(%%rip), %%rcx\n\t"
			 "mov %%rcx, %[hi]\n\t"
			 "mov %[magic], %%r12\n\t"
			 "xor %%eax, %%eax\n"
			 "1:\tsyscall\n"
			 "2:\tpop %%rcx\n\t"
			 : "=a"(ret), [sp] "=m"(p->sp), [lo] "=m"(p->pc_lo), [hi] "=m"(p->pc_hi)
			 : [magic] "r"(p->magic), "D"((long)p->pipe[0]), "S"(buf), "d"(1L)
			 : "rcx", "r11", "r12", "memory");
	(void)ret;
}

static void on_signal(int sig)
{
	(void)sig;
	long tid = syscall(SYS_gettid);
	for (int i = 0; i < NW; i++)
		if (pubs[i].tid == tid)
			spin(&pubs[i]);
}

static void *worker(void *arg)
{
	struct pub *p = arg;
	p->tid = syscall(SYS_gettid);
	if (p->kind == K_ALTSTACK) {
		stack_t ss = { .ss_sp = malloc(1 << 16), .ss_size = 1 << 16 };
		sigaltstack(&ss, NULL);
	}
	if (p->kind == K_SPIN)
		spin(p);
	char buf[8];
	for (;;) { /* block and handler threads wait in read(); handlers are sent a signal */
		block_once(p, buf);
		p->count++;
	}
	return NULL;
}

static void *churner(void *arg)
{
	(void)arg;
	return NULL;
}

static void *churn(void *arg)
{
	(void)arg;
	for (;;) {
		pthread_t t;
		if (!pthread_create(&t, NULL, churner, NULL))
			pthread_join(t, NULL);
	}
	return NULL;
}

static int module_cb(struct dl_phdr_info *info, size_t size, void *ctx)
{
	(void)size;
	FILE *f = ctx;
	const char *name = info->dlpi_name && info->dlpi_name[0] ? info->dlpi_name : "(main)";
	char id[80] = "";
	for (int i = 0; i < info->dlpi_phnum; i++) {
		const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
		if (ph->p_type != PT_NOTE)
			continue;
		const unsigned char *b = (const unsigned char *)(info->dlpi_addr + ph->p_vaddr);
		size_t off = 0;
		while (off + sizeof(ElfW(Nhdr)) <= ph->p_memsz) {
			const ElfW(Nhdr) *nh = (const void *)(b + off);
			size_t nsz = (nh->n_namesz + 3) & ~3u, dsz = (nh->n_descsz + 3) & ~3u;
			if (nh->n_type == NT_GNU_BUILD_ID && nh->n_namesz == 4 && nh->n_descsz <= 32)
				for (unsigned k = 0; k < nh->n_descsz; k++)
					sprintf(id + 2 * k, "%02x", b[off + sizeof(*nh) + nsz + k]);
			off += sizeof(*nh) + nsz + dsz;
		}
	}
	fprintf(f, "module %s bias=0x%lx buildid=%s\n", name, (unsigned long)info->dlpi_addr, id[0] ? id : "-");
	return 0;
}

int main(int argc, char **argv)
{
	if (argc < 3) {
		fprintf(stderr, "usage: target LAYOUT STATUS [churn]\n");
		return 2;
	}
	struct sigaction sa = { .sa_handler = on_signal };
	sigaction(SIGUSR1, &sa, NULL);
	sa.sa_flags = SA_ONSTACK;
	sigaction(SIGUSR2, &sa, NULL);
	pthread_t th[NW];
	for (int i = 0; i < NW; i++) {
		pubs[i].kind = kinds[i];
		pubs[i].magic = 0x7a5c0000 + i;
		if (pipe(pubs[i].pipe))
			return 1;
		pthread_create(&th[i], NULL, worker, &pubs[i]);
	}
	for (int i = 0; i < NW; i++) /* everyone has published, handlers are in their handler */
		while (!pubs[i].tid || !pubs[i].sp)
			usleep(1000);
	for (int i = 0; i < NW; i++)
		if (pubs[i].kind == K_HANDLER || pubs[i].kind == K_ALTSTACK) {
			long old = pubs[i].sp;
			pthread_kill(th[i], pubs[i].kind == K_HANDLER ? SIGUSR1 : SIGUSR2);
			while (pubs[i].sp == old || !pubs[i].count)
				usleep(1000);
		}
	if (argc > 3 && !strcmp(argv[3], "churn")) {
		pthread_t c;
		pthread_create(&c, NULL, churn, NULL);
		pthread_create(&c, NULL, churn, NULL);
	}
	char tmp[4096];
	snprintf(tmp, sizeof(tmp), "%s.tmp", argv[1]);
	FILE *f = fopen(tmp, "w");
	fprintf(f, "pid %d\n", getpid());
	for (int i = 0; i < NW; i++)
		fprintf(f, "thread %ld %s sp=0x%lx lo=0x%lx hi=0x%lx magic=0x%lx\n", pubs[i].tid, kind_name[pubs[i].kind],
			pubs[i].sp, pubs[i].pc_lo, pubs[i].pc_hi, pubs[i].magic);
	dl_iterate_phdr(module_cb, f);
	fclose(f);
	rename(tmp, argv[1]);
	/* heartbeat: wake the blocked threads, publish everyone's progress */
	snprintf(tmp, sizeof(tmp), "%s.tmp", argv[2]);
	for (unsigned long beat = 1;; beat++) {
		for (int i = 0; i < NW; i++)
			if (pubs[i].kind == K_BLOCK && write(pubs[i].pipe[1], "x", 1) != 1)
				return 1;
		f = fopen(tmp, "w");
		fprintf(f, "beat %lu", beat);
		for (int i = 0; i < NW; i++)
			fprintf(f, " %ld", pubs[i].count);
		fprintf(f, "\n");
		fclose(f);
		rename(tmp, argv[2]);
		usleep(10000);
	}
}
