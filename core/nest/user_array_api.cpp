// SPDX-License-Identifier: GPL-2.0
/*
 * The C API of include/alist/user_array.h.
 */
#include <alist/errno.h>
#include <alist/user_array.h>

#include "inv/batcher.h"
#include "inv/buffer_sink.h"
#include "nest/id_table_translator.h"
#include "nest/smmuv3_user_decoder.h"
#include "nest/vtd_user_decoder.h"

namespace {

using KernelSmmuv3Decoder = alist::Smmuv3UserDecoder<alist::IdTableTranslator>;

static_assert(sizeof(KernelSmmuv3Decoder) <= sizeof(alist_smmuv3_uinv),
	      "ALIST_SMMUV3_UINV_WORDS too small");
static_assert(alignof(KernelSmmuv3Decoder) <= alignof(alist_smmuv3_uinv),
	      "alist_smmuv3_uinv under-aligned");
static_assert(__is_trivially_copyable(KernelSmmuv3Decoder),
	      "the decoder lives in plain C storage");

KernelSmmuv3Decoder *Decoder(alist_smmuv3_uinv *st)
{
	return reinterpret_cast<KernelSmmuv3Decoder *>(st->opaque);
}

} // namespace

extern "C" int alist_vtd_user_inv_decode(struct alist_user_array *array,
					 struct alist_inv_cursor *c)
{
	alist::Batcher *cur = alist::Batcher::From(c);

	cur->Init(0, 12);
	return alist::VtdUserDecoder::Decode(*array, cur->request());
}

extern "C" void alist_smmuv3_user_inv_init(struct alist_smmuv3_uinv *st,
					   struct alist_user_array *array,
					   const struct alist_smmuv3_params *p,
					   alist_u32 instance, alist_u32 vmid,
					   const struct alist_id_table *vsids)
{
	Decoder(st)->Init(array, *p, instance, vmid, alist::IdTableTranslator{vsids});
}

/* Flattened: the reader, the checks and the sink in one loop. */
extern "C" __attribute__((flatten)) int
alist_smmuv3_user_inv_fill(struct alist_smmuv3_uinv *st, struct alist_inv_batch *b)
{
	if (!alist::BufferSink::Valid(b))
		return -ALIST_EINVAL;

	alist::BufferSink sink(b);

	return sink.Finish(Decoder(st)->Run(sink));
}

extern "C" alist_u32 alist_smmuv3_user_inv_handled(const struct alist_smmuv3_uinv *st)
{
	return reinterpret_cast<const KernelSmmuv3Decoder *>(st->opaque)->Handled();
}

extern "C" int alist_smmuv3_user_inv_finish(struct alist_smmuv3_uinv *st)
{
	return Decoder(st)->Finish();
}
