/* SPDX-License-Identifier: GPL-2.0 */
/*
 * VT-d queued-invalidation descriptors (VT-d spec, chapter 6.5.2): the
 * types, granularities and field positions, defined once for the core's
 * emitter (core/hw/vtd_emitter.cpp) and the driver's own encoders
 * (drivers/vtd/desc.c). Quadword 0 of a descriptor is w[0], quadword 1
 * is w[1]. Masks are 64-bit constants for Put()/FIELD_PREP().
 */
#ifndef ALIST_HW_VTD_DESC_H
#define ALIST_HW_VTD_DESC_H

#include <alist/hw/bits.h>

/* Descriptor types: bits 3:0 of quadword 0, bits 6:4 of the type in 11:9 */
#define VTD_DESC_TYPE_LO		ALIST_GENMASK_ULL(3, 0)
#define VTD_DESC_TYPE_HI		ALIST_GENMASK_ULL(11, 9)
#define VTD_DESC_TYPE_CC		0x1
#define VTD_DESC_TYPE_IOTLB		0x2
#define VTD_DESC_TYPE_DEVTLB		0x3
#define VTD_DESC_TYPE_IEC		0x4
#define VTD_DESC_TYPE_WAIT		0x5
#define VTD_DESC_TYPE_PIOTLB		0x6
#define VTD_DESC_TYPE_PC		0x7
#define VTD_DESC_TYPE_PDEVTLB		0x8

/* Quadword 0 fields common to the cache invalidations */
#define VTD_DESC_GRAN			ALIST_GENMASK_ULL(5, 4)
#define VTD_DESC_DW			ALIST_BIT_ULL(6)	/* IOTLB: drain writes */
#define VTD_DESC_DR			ALIST_BIT_ULL(7)	/* IOTLB: drain reads */
#define VTD_DESC_DID			ALIST_GENMASK_ULL(31, 16)
#define VTD_DESC_PASID			ALIST_GENMASK_ULL(51, 32)

/* Granularities (VTD_DESC_GRAN) */
#define VTD_CC_GLOBAL			1
#define VTD_PC_PASID_SEL		1
#define VTD_PC_GLOBAL			3
#define VTD_IOTLB_GLOBAL		1
#define VTD_IOTLB_DSI			2
#define VTD_IOTLB_PSI			3
#define VTD_PIOTLB_ALL			2	/* all non-global entries of a PASID */
#define VTD_PIOTLB_PSI			3

/* Quadword 1 of the page-selective IOTLB and PASID-IOTLB forms */
#define VTD_DESC1_AM			ALIST_GENMASK_ULL(5, 0)
#define VTD_DESC1_IH			ALIST_BIT_ULL(6)
#define VTD_DESC1_ADDR			ALIST_GENMASK_ULL(63, 12)

/* Device-TLB descriptor */
#define VTD_DEVTLB_PFSID_LO		ALIST_GENMASK_ULL(15, 12)
#define VTD_DEVTLB_QDEP			ALIST_GENMASK_ULL(20, 16)
#define VTD_DEVTLB_SID			ALIST_GENMASK_ULL(47, 32)
#define VTD_DEVTLB_PFSID_HI		ALIST_GENMASK_ULL(63, 52)
#define VTD_DEVTLB_SIZE			ALIST_BIT_ULL(0)	/* quadword 1 */
/* Address with bits 62:12 set and 63 clear: the whole address space */
#define VTD_DEVTLB_ALL_ADDR		ALIST_GENMASK_ULL(62, 12)

/* PASID-based device-TLB descriptor (PFSID and PASID as above) */
#define VTD_PDEVTLB_QDEP		ALIST_GENMASK_ULL(8, 4)
#define VTD_PDEVTLB_SID			ALIST_GENMASK_ULL(31, 16)
#define VTD_PDEVTLB_SIZE		ALIST_BIT_ULL(11)	/* quadword 1 */

/* Invalidation wait descriptor */
#define VTD_WAIT_SW			ALIST_BIT_ULL(5)
#define VTD_WAIT_DATA			ALIST_GENMASK_ULL(63, 32)
#define VTD_WAIT_ADDR			ALIST_GENMASK_ULL(63, 2)	/* quadword 1 */

#endif /* ALIST_HW_VTD_DESC_H */
