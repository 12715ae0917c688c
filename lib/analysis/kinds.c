/*
 * kinds.c - the warning kinds' stable names and which rule set each belongs to: shared by the
 * walk (which decides what to report under --rules) and the public API.
 */
#include <stdbool.h>

#include "trustack.h"

static const char *const kind_names[TRUSTACK_W__COUNT] = {
	[TRUSTACK_W_CALL_WITHOUT_FRAME] = "call-without-frame",
	[TRUSTACK_W_FP_CLOBBERED] = "fp-clobbered",
	[TRUSTACK_W_FP_SCRATCH] = "fp-scratch",
	[TRUSTACK_W_RETURN_MODIFIED_FRAME] = "return-modified-frame",
	[TRUSTACK_W_SIBLING_CALL_MODIFIED_FRAME] = "sibling-call-modified-frame",
	[TRUSTACK_W_STACK_MISMATCH] = "stack-mismatch",
	[TRUSTACK_W_FALLS_THROUGH] = "falls-through",
	[TRUSTACK_W_UNREACHABLE] = "unreachable",
	[TRUSTACK_W_UNDEFINED_STACK] = "undefined-stack",
	[TRUSTACK_W_UNSUPPORTED_STACK_OP] = "unsupported-stack-op",
	[TRUSTACK_W_UNSUPPORTED_REALIGN] = "unsupported-realign",
	[TRUSTACK_W_UNRESOLVED_INDIRECT_JUMP] = "unresolved-indirect-jump",
	[TRUSTACK_W_DECODE_ERROR] = "decode-error",
	[TRUSTACK_W_LR_CLOBBERED] = "lr-clobbered",
	[TRUSTACK_W_RA_SIGN_MISMATCH] = "ra-sign-mismatch",
	[TRUSTACK_W_BACKCHAIN_MISSING] = "backchain-missing",
	[TRUSTACK_W_BACKCHAIN_CLOBBERED] = "backchain-clobbered",
	[TRUSTACK_W_MISSING_LANDING_PAD] = "missing-landing-pad",
};

const char *trustack_warning_kind__name(enum trustack_warning_kind kind)
{
	return (unsigned)kind < TRUSTACK_W__COUNT ? kind_names[kind] : "unknown";
}

bool trustack_warning_kind__is_fp_rule(enum trustack_warning_kind kind)
{
	return kind == TRUSTACK_W_CALL_WITHOUT_FRAME || kind == TRUSTACK_W_FP_CLOBBERED ||
	       kind == TRUSTACK_W_FP_SCRATCH;
}

bool trustack_warning_kind__is_backchain_rule(enum trustack_warning_kind kind)
{
	return kind == TRUSTACK_W_BACKCHAIN_MISSING || kind == TRUSTACK_W_BACKCHAIN_CLOBBERED;
}
