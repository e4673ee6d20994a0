// SPDX-License-Identifier: GPL-2.0
/*
 * alist_vtd: does a device scope of the DMAR table (as vtd_dmar_parse()
 * kept it) name a PCI device, or a bridge above it?
 */
#include <linux/acpi.h>
#include <linux/pci.h>

#include "vtd.h"

/* Does one scope entry name @pdev itself (endpoint) or a bridge above it? */
static bool vtd_scope_match_one(const struct vtd_scope *s, u16 segment,
				struct pci_dev *pdev)
{
	struct pci_dev *up;
	unsigned int i, bus = s->bus;
	u8 devfn = 0;

	if (s->type != ACPI_DMAR_SCOPE_TYPE_ENDPOINT &&
	    s->type != ACPI_DMAR_SCOPE_TYPE_BRIDGE)
		return false;
	if (!s->npath)
		return false;
	/* Resolve the path: each hop but the last is a bridge */
	for (i = 0; i < s->npath; i++) {
		struct pci_dev *hop;

		devfn = s->path[i];
		if (i == s->npath - 1)
			break;
		hop = pci_get_domain_bus_and_slot(segment, bus, devfn);
		if (!hop || !hop->subordinate) {
			pci_dev_put(hop);
			return false;
		}
		bus = hop->subordinate->number;
		pci_dev_put(hop);
	}
	for (up = pdev; up; up = pci_upstream_bridge(up)) {
		if (up->bus->number == bus && up->devfn == devfn)
			return up == pdev ||
			       s->type == ACPI_DMAR_SCOPE_TYPE_BRIDGE;
	}
	return false;
}

/**
 * vtd_scope_match_pci() - is a PCI device in a list of device scopes?
 * @scopes: the scopes
 * @n: number of @scopes
 * @segment: the PCI segment of @pdev
 * @scope_segment: the segment the scopes belong to
 * @pdev: the device
 *
 * Context: process; takes PCI device references briefly.
 * Return: true when an endpoint scope names @pdev or a bridge scope names
 * a bridge above it.
 */
bool vtd_scope_match_pci(const struct vtd_scope *scopes, unsigned int n,
			 u16 segment, u16 scope_segment, struct pci_dev *pdev)
{
	unsigned int i;

	if (segment != scope_segment)
		return false;
	for (i = 0; i < n; i++)
		if (vtd_scope_match_one(&scopes[i], segment, pdev))
			return true;
	return false;
}
